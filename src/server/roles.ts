/**
 * Tessera's roles, written as Tessera IAM policies (dogfooding src/policy): what each role may do
 * on which Tessera resource. Team scope uses the request context: `tessera:PrincipalTeam` is the
 * caller's team (from its token) and `tessera:ResourceOwner` the owning team of the fragment (or
 * synthesized policy) a request touches, so a delegated admin's writes are allowed only where the
 * two are equal.
 * Resources are written in the engine's ARN form (resources.ts explains why). `tessera:ReadEvents`
 * (the adaptation loop's events) is the central admin's through `tessera:*` and the auditor's.
 *
 * What the adaptation loop works from and produces follows deployments, which belong to no team:
 * app profiles and environments (`trn:tessera:app/<name>`, `trn:tessera:environment/<name>`) are
 * read (`tessera:GetApp`, `tessera:GetEnvironment`) and written (`tessera:PutApp`,
 * `tessera:PutEnvironment`) by the central admin only, and read by the auditor; plans
 * (`trn:tessera:plan/<digest>`, `tessera:GetPlan`), images (`trn:tessera:image/<digest>`,
 * `tessera:GetImage`) and a deployment's risk profiles (`tessera:ListRiskProfiles` on
 * `trn:tessera:deployment/<id>`) are read by the central admin and the auditor, and written only by
 * the loop itself, never through the API. Delegated admins, approvers and services get none of
 * them: an app profile says what data a team's service holds and how exposed it is, which is not
 * theirs to read across teams.
 *
 * Synthesizing a policy under a boundary (`tessera:UseBoundary`) is the central admin's, and a
 * delegated admin's for the boundaries put for its own team: "scoped to a team and its boundary".
 *
 * Threat-feed snapshots (`trn:tessera:intel/<source>`) change what the loop rebuilds for every
 * team: importing one (`tessera:ImportIntel`) is the central admin's alone; listing them
 * (`tessera:ListIntel`) is also the auditor's.
 */
import type { Role } from '../store/index.js';

type PolicyDocument = Readonly<Record<string, unknown>>;

const FRAGMENTS = 'arn:aws:tessera:::fragment/*';
const POLICIES = 'arn:aws:tessera:::policy/*';
const BOUNDARIES = 'arn:aws:tessera:::boundary/*';

/** Synthesized policies and the boundaries they are synthesized under are readable by whoever writes or reviews them. */
const READ_POLICIES = { Sid: 'ReadPolicies', Effect: 'Allow', Action: ['tessera:GetPolicy', 'tessera:ListPolicies', 'tessera:GetBoundary', 'tessera:ListBoundaries'], Resource: [POLICIES, BOUNDARIES] };

const doc = (...statements: Record<string, unknown>[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

/** Every role may ask who its token acts as (`GET /v1/whoami`): a client shows it before anything else. */
const KNOW_SELF = { Sid: 'KnowSelf', Effect: 'Allow', Action: 'tessera:GetCallerIdentity', Resource: 'arn:aws:tessera:::caller' };

/** The writes, for the auditor's explicit guard: it stays read-only even if an Allow is added by mistake. */
const WRITES = [
  'tessera:Create*', 'tessera:Add*', 'tessera:Submit*', 'tessera:Approve*', 'tessera:Reject*',
  'tessera:Deprecate*', 'tessera:Archive*', 'tessera:ManageTokens', 'tessera:RegisterDeployment', 'tessera:Authorize',
  'tessera:Activate*', 'tessera:Put*', 'tessera:Import*',
];

export const ROLE_POLICIES: Readonly<Record<Role, PolicyDocument>> = {
  'central-admin': doc({ Sid: 'Everything', Effect: 'Allow', Action: 'tessera:*', Resource: '*' }),
  'delegated-admin': doc(
    { Sid: 'ReadFragments', Effect: 'Allow', Action: ['tessera:GetFragment', 'tessera:ListFragments'], Resource: FRAGMENTS },
    {
      Sid: 'AuthorOwnTeamFragments',
      Effect: 'Allow',
      Action: ['tessera:CreateFragment', 'tessera:AddFragmentVersion', 'tessera:SubmitFragment'],
      Resource: FRAGMENTS,
      Condition: { StringEquals: { 'tessera:ResourceOwner': '${tessera:PrincipalTeam}' } },
    },
    { Sid: 'TryDecisions', Effect: 'Allow', Action: 'tessera:Authorize', Resource: 'arn:aws:tessera:::authorizer' },
    KNOW_SELF,
    READ_POLICIES,
    // Same team scope as fragments: the owner of a policy is its team.
    {
      Sid: 'AuthorOwnTeamPolicies',
      Effect: 'Allow',
      Action: ['tessera:CreatePolicy', 'tessera:SubmitPolicy'],
      Resource: POLICIES,
      Condition: { StringEquals: { 'tessera:ResourceOwner': '${tessera:PrincipalTeam}' } },
    },
    // A boundary's owner is the team it was put for; one without a team has no owner, so the
    // condition fails and only the central admin synthesizes under it.
    {
      Sid: 'SynthesizeUnderOwnTeamBoundaries',
      Effect: 'Allow',
      Action: 'tessera:UseBoundary',
      Resource: BOUNDARIES,
      Condition: { StringEquals: { 'tessera:ResourceOwner': '${tessera:PrincipalTeam}' } },
    },
  ),
  approver: doc(
    { Sid: 'ReadFragments', Effect: 'Allow', Action: ['tessera:GetFragment', 'tessera:ListFragments'], Resource: FRAGMENTS },
    { Sid: 'Review', Effect: 'Allow', Action: ['tessera:ApproveFragment', 'tessera:RejectFragment'], Resource: FRAGMENTS },
    KNOW_SELF,
    READ_POLICIES,
    { Sid: 'ReviewPolicies', Effect: 'Allow', Action: ['tessera:ApprovePolicy', 'tessera:RejectPolicy', 'tessera:ActivatePolicy'], Resource: POLICIES },
  ),
  auditor: doc(
    { Sid: 'ReadEverything', Effect: 'Allow', Action: ['tessera:Get*', 'tessera:List*', 'tessera:ReadAudit', 'tessera:ReadEvents'], Resource: '*' },
    { Sid: 'ChangeNothing', Effect: 'Deny', Action: WRITES, Resource: '*' },
    KNOW_SELF,
  ),
  service: doc({ Sid: 'DecideOnly', Effect: 'Allow', Action: 'tessera:Authorize', Resource: 'arn:aws:tessera:::authorizer' }, KNOW_SELF),
};

export const ROLES: readonly Role[] = ['central-admin', 'delegated-admin', 'approver', 'auditor', 'service'];
