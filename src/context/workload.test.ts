import { describe, expect, it } from 'vitest';
import { compileContextConfig, createContextEnricher } from './providers.js';
import type { WorkloadPosture } from './types.js';
import { roleArnOfSession, workloadKeys } from './workload.js';

const enricher = createContextEnricher({
  workloads: {
    idKey: 'aws:PrincipalTag/workload',
    records: {
      'arn:aws:iam::111122223333:role/billing-api': { riskScore: 72.5, riskTier: 'high', kevExposed: true },
      'arn:aws:iam::111122223333:user/batch': { riskScore: 3, riskTier: 'minimal', kevExposed: false },
      'wl-reports': { riskScore: 40, riskTier: 'moderate' },
    },
  },
});
const enrich = (principal: string, context: Record<string, string> = {}, inputs = {}) => enricher.enrich({ principal, action: 's3:GetObject', resource: '*', context }, inputs);

describe('workload posture keys', () => {
  it('maps a posture to Numeric, String and Bool keys', () => {
    expect(workloadKeys({ riskScore: 0, riskTier: 'critical', kevExposed: false })).toEqual({ 'tessera:WorkloadRiskScore': '0', 'tessera:WorkloadRiskTier': 'critical', 'tessera:WorkloadKevExposed': 'false' });
    expect(workloadKeys({ riskScore: 0.25 })).toEqual({ 'tessera:WorkloadRiskScore': '0.25' });
  });

  it('finds the record by principal ARN, and a session by its role', () => {
    expect(enrich('arn:aws:iam::111122223333:user/batch').derived).toEqual({ 'tessera:WorkloadRiskScore': '3', 'tessera:WorkloadRiskTier': 'minimal', 'tessera:WorkloadKevExposed': 'false' });
    expect(enrich('arn:aws:sts::111122223333:assumed-role/billing-api/i-0abc').derived).toEqual({ 'tessera:WorkloadRiskScore': '72.5', 'tessera:WorkloadRiskTier': 'high', 'tessera:WorkloadKevExposed': 'true' });
    expect(enrich('arn:aws:sts::111122223333:assumed-role/other/s', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/billing-api' }).derived['tessera:WorkloadRiskTier']).toBe('high');
    expect(roleArnOfSession('arn:aws-cn:sts::111122223333:assumed-role/r/s')).toBe('arn:aws-cn:iam::111122223333:role/r');
    expect(roleArnOfSession('arn:aws:iam::111122223333:user/u')).toBeUndefined();
  });

  it('prefers a workload id (input or context key) and a record passed in', () => {
    const principal = 'arn:aws:iam::111122223333:user/batch';
    expect(enrich(principal, { 'aws:PrincipalTag/workload': 'wl-reports' }).derived).toEqual({ 'tessera:WorkloadRiskScore': '40', 'tessera:WorkloadRiskTier': 'moderate' });
    expect(enrich(principal, {}, { workloadId: 'wl-reports' }).derived['tessera:WorkloadRiskScore']).toBe('40');
    const live: WorkloadPosture = { riskScore: 95, riskTier: 'critical', kevExposed: true };
    expect(enrich(principal, { 'aws:PrincipalTag/workload': 'wl-reports' }, { workload: live, workloadId: 'wl-reports' }).derived['tessera:WorkloadRiskTier']).toBe('critical');
  });

  it('derives nothing for an unknown workload; reports an unknown id but not an unknown principal', () => {
    const human = enrich('arn:aws:iam::111122223333:user/alice');
    expect(human.derived).toEqual({});
    expect(human.diagnostics).toEqual([]);
    const r = enrich('arn:aws:iam::111122223333:user/alice', {}, { workloadId: 'wl-gone' });
    expect(r.derived).toEqual({});
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'context/unknown-workload', path: 'inputs.workloadId' })]);
  });

  it('keeps only well-typed fields of a record passed in, and rejects malformed configured records', () => {
    const r = enrich('arn:aws:iam::111122223333:user/alice', {}, { workload: { riskScore: Number.NaN, riskTier: 'severe', kevExposed: true } as unknown as WorkloadPosture });
    expect(r.derived).toEqual({ 'tessera:WorkloadKevExposed': 'true' });
    expect(r.diagnostics.map((d) => d.path)).toEqual(['inputs.workload.riskScore', 'inputs.workload.riskTier']);
    const { enricher: e, diagnostics } = compileContextConfig({ workloads: { records: { a: { riskScore: -1 }, b: { riskTier: 'High' }, c: { kevExposed: 'no' }, d: { epss: 0.9 } } } });
    expect(e).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['context/invalid-workload', 'workloads.records.a.riskScore'],
      ['context/invalid-workload', 'workloads.records.b.riskTier'],
      ['context/invalid-workload', 'workloads.records.c.kevExposed'],
      ['context/invalid-workload', 'workloads.records.d.epss'],
    ]);
  });
});
