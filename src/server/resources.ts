/**
 * Tessera's own actions and resource names.
 *
 * Outside (audit records, problem details, documentation) a resource is a TRN,
 * `trn:tessera:fragment/<id>`. The policy engine accepts only `*` or six-field ARNs as resources
 * (`policy/invalid-arn` is an error, with no option to admit another scheme), so the role
 * policies and the decisions use the same name as an ARN of service `tessera` in the `aws`
 * partition without region or account: `arn:aws:tessera:::fragment/<id>`. `engineArn` is the one
 * translation between the two.
 */

export const TESSERA_ACTIONS = [
  'tessera:Authorize',
  'tessera:ListFragments',
  'tessera:GetFragment',
  'tessera:CreateFragment',
  'tessera:AddFragmentVersion',
  'tessera:SubmitFragment',
  'tessera:ApproveFragment',
  'tessera:RejectFragment',
  'tessera:DeprecateFragment',
  'tessera:ArchiveFragment',
  'tessera:ReadAudit',
  'tessera:ManageTokens',
  'tessera:GetDeployment',
  'tessera:ListDeployments',
  'tessera:GetCallerIdentity',
  'tessera:RegisterDeployment',
  'tessera:ReadEvents',
  'tessera:RunMonitor',
  'tessera:PutBoundary',
  'tessera:GetBoundary',
  'tessera:UseBoundary',
  'tessera:ListBoundaries',
  'tessera:CreatePolicy',
  'tessera:GetPolicy',
  'tessera:ListPolicies',
  'tessera:SubmitPolicy',
  'tessera:ApprovePolicy',
  'tessera:RejectPolicy',
  'tessera:ActivatePolicy',
  'tessera:PutAssignment',
  'tessera:GetAssignment',
  'tessera:GetPlan',
  'tessera:GetImage',
  'tessera:ListRiskProfiles',
  'tessera:GetApp',
  'tessera:PutApp',
  'tessera:GetEnvironment',
  'tessera:PutEnvironment',
  'tessera:ImportIntel',
  'tessera:ListIntel',
] as const;

export type TesseraAction = (typeof TESSERA_ACTIONS)[number];

export const trn = {
  fragment: (id: string, version?: number) => `trn:tessera:fragment/${id}${version === undefined ? '' : `@${version}`}`,
  fragments: 'trn:tessera:fragment/*',
  audit: 'trn:tessera:audit',
  authorizer: 'trn:tessera:authorizer',
  token: (id: string) => `trn:tessera:token/${id}`,
  deployment: (id: string) => `trn:tessera:deployment/${id}`,
  deployments: 'trn:tessera:deployment/*',
  /** What `GET /v1/whoami` reads: the caller's own token, whoever the caller is. */
  caller: 'trn:tessera:caller',
  events: 'trn:tessera:events',
  /** The adaptation loop (POST /v1/monitor/evaluations). */
  monitor: 'trn:tessera:monitor',
  boundary: (id: string) => `trn:tessera:boundary/${id}`,
  boundaries: 'trn:tessera:boundary/*',
  policy: (id: string, version?: number) => `trn:tessera:policy/${id}${version === undefined ? '' : `@${version}`}`,
  policies: 'trn:tessera:policy/*',
  assignment: (principal: string) => `trn:tessera:assignment/${principal}`,
  plan: (digest: string) => `trn:tessera:plan/${digest}`,
  image: (digest: string) => `trn:tessera:image/${digest}`,
  app: (name: string) => `trn:tessera:app/${name}`,
  environment: (name: string) => `trn:tessera:environment/${name}`,
  /** A threat feed's snapshots (`kev`, `epss`, `debian-tracker`, `osv`). */
  intel: (source: string) => `trn:tessera:intel/${source}`,
  intels: 'trn:tessera:intel/*',
} as const;

const PREFIX = 'trn:tessera:';

/** The ARN the policy engine decides on for a TRN (see the file comment). */
export function engineArn(resource: string): string {
  return resource.startsWith(PREFIX) ? `arn:aws:tessera:::${resource.slice(PREFIX.length)}` : resource;
}

/** The engine principal for a Tessera principal such as `user/alice`. */
export function enginePrincipal(principal: string): string {
  return `arn:aws:tessera:::principal/${principal}`;
}
