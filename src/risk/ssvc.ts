/**
 * CERT/CC SSVC (Stakeholder-Specific Vulnerability Categorization) decision functions.
 *
 * Every SSVC decision table CERT/CC publishes is monotone: with each decision point's values
 * ordered from least to most pressing, raising any input never lowers the outcome. So a table is
 * fully described by, for each outcome above the lowest, the *minimal* input combinations that
 * reach at least that outcome (its frontier); the outcome of an input is the highest one whose
 * frontier has an entry at or below it, point by point. That form is a few lines per outcome
 * instead of dozens of rows, it reads as rules ("immediate from active exploitation, open
 * exposure and very high human impact"), and the entry that fired is the explanation a decision
 * carries. The frontiers below were derived by us from the published tables (SSVC is © Carnegie
 * Mellon University, MIT-style license); `ssvc.test.ts` checks them against every row of the
 * CERT/CC CSVs.
 */

export interface DecisionPoint {
  /** Our key for the point in inputs and outputs (camelCase). */
  readonly key: string;
  /** SSVC's name and version of the decision point, as in the CERT/CC tables. */
  readonly name: string;
  readonly version: string;
  /** Its values, least pressing first. */
  readonly values: readonly string[];
}

export interface DecisionModel<Outcome extends string = string> {
  readonly name: string;
  readonly version: string;
  readonly points: readonly DecisionPoint[];
  /** Outcomes, least pressing first. */
  readonly outcomes: readonly Outcome[];
  /** Per outcome above the lowest: the minimal inputs (values in `points` order) reaching it. */
  readonly frontier: Readonly<Partial<Record<Outcome, readonly (readonly string[])[]>>>;
}

export interface SsvcDecision<Outcome extends string = string> {
  readonly model: string;
  readonly outcome: Outcome;
  /** The decision-point values that were decided on, by point key. */
  readonly values: Readonly<Record<string, string>>;
  /**
   * Why: the frontier entry (the least input that already reaches `outcome`) the values meet or
   * exceed on every point; null for the lowest outcome, which needs no reason.
   */
  readonly because: Readonly<Record<string, string>> | null;
}

export type SsvcResult<Outcome extends string> = { readonly ok: true; readonly decision: SsvcDecision<Outcome> } | { readonly ok: false; readonly diagnostics: readonly SsvcDiagnostic[] };

export interface SsvcDiagnostic {
  readonly code: 'ssvc/missing-value' | 'ssvc/unknown-value';
  readonly message: string;
  readonly help: string;
  /** The decision point key. */
  readonly point: string;
}

const EXPLOITATION: DecisionPoint = { key: 'exploitation', name: 'Exploitation', version: '1.1.0', values: ['none', 'public poc', 'active'] };
const AUTOMATABLE: DecisionPoint = { key: 'automatable', name: 'Automatable', version: '2.0.0', values: ['no', 'yes'] };
const TECHNICAL_IMPACT: DecisionPoint = { key: 'technicalImpact', name: 'Technical Impact', version: '1.0.0', values: ['partial', 'total'] };
const UTILITY: DecisionPoint = { key: 'utility', name: 'Utility', version: '1.0.1', values: ['laborious', 'efficient', 'super effective'] };
const PUBLIC_SAFETY_IMPACT: DecisionPoint = { key: 'publicSafetyImpact', name: 'Public Safety Impact', version: '2.0.1', values: ['minimal', 'significant'] };

export type PatchPriority = 'defer' | 'scheduled' | 'out-of-cycle' | 'immediate';
export type CisaLevel = 'track' | 'track*' | 'attend' | 'act';
export type TriageDecision = 'decline' | 'track' | 'coordinate';

/** Deployer Patch Application Priority 1.0.0: when to apply a patch that exists. */
export const DEPLOYER: DecisionModel<PatchPriority> = {
  name: 'Deployer Patch Application Priority',
  version: '1.0.0',
  points: [
    EXPLOITATION,
    { key: 'systemExposure', name: 'System Exposure', version: '1.0.1', values: ['small', 'controlled', 'open'] },
    AUTOMATABLE,
    { key: 'humanImpact', name: 'Human Impact', version: '2.0.2', values: ['low', 'medium', 'high', 'very high'] },
  ],
  outcomes: ['defer', 'scheduled', 'out-of-cycle', 'immediate'],
  frontier: {
    scheduled: [
      ['none', 'small', 'no', 'high'], ['none', 'small', 'yes', 'medium'], ['none', 'controlled', 'no', 'medium'], ['none', 'controlled', 'yes', 'low'],
      ['public poc', 'small', 'no', 'medium'], ['public poc', 'small', 'yes', 'low'], ['public poc', 'open', 'no', 'low'], ['active', 'small', 'no', 'low'],
    ],
    'out-of-cycle': [
      ['none', 'open', 'yes', 'very high'], ['public poc', 'controlled', 'yes', 'very high'], ['public poc', 'open', 'no', 'very high'], ['public poc', 'open', 'yes', 'high'],
      ['active', 'small', 'no', 'high'], ['active', 'small', 'yes', 'medium'], ['active', 'controlled', 'yes', 'low'], ['active', 'open', 'no', 'medium'],
    ],
    immediate: [['active', 'open', 'no', 'very high'], ['active', 'open', 'yes', 'high']],
  },
};

/** Supplier Patch Development Priority 1.0.0: how fast a supplier should build a fix. */
export const SUPPLIER: DecisionModel<PatchPriority> = {
  name: 'Supplier Patch Development Priority',
  version: '1.0.0',
  points: [EXPLOITATION, UTILITY, TECHNICAL_IMPACT, PUBLIC_SAFETY_IMPACT],
  outcomes: ['defer', 'scheduled', 'out-of-cycle', 'immediate'],
  frontier: {
    scheduled: [['none', 'laborious', 'partial', 'significant'], ['none', 'laborious', 'total', 'minimal'], ['none', 'efficient', 'partial', 'minimal'], ['public poc', 'laborious', 'partial', 'minimal']],
    'out-of-cycle': [
      ['none', 'laborious', 'total', 'significant'], ['none', 'efficient', 'partial', 'significant'], ['none', 'super effective', 'total', 'minimal'],
      ['public poc', 'laborious', 'partial', 'significant'], ['public poc', 'efficient', 'total', 'minimal'], ['public poc', 'super effective', 'partial', 'minimal'],
      ['active', 'laborious', 'partial', 'minimal'],
    ],
    immediate: [['public poc', 'laborious', 'total', 'significant'], ['public poc', 'efficient', 'partial', 'significant'], ['active', 'laborious', 'partial', 'significant'], ['active', 'super effective', 'partial', 'minimal']],
  },
};

/** CISA Coordinator 2.0.3: CISA's Track / Track* / Attend / Act levels. */
export const CISA_COORDINATOR: DecisionModel<CisaLevel> = {
  name: 'CISA Coordinator',
  version: '2.0.3',
  points: [EXPLOITATION, AUTOMATABLE, TECHNICAL_IMPACT, { key: 'missionAndWellBeingImpact', name: 'Mission and Well-Being Impact', version: '1.0.0', values: ['low', 'medium', 'high'] }],
  outcomes: ['track', 'track*', 'attend', 'act'],
  frontier: {
    'track*': [['none', 'no', 'total', 'high'], ['none', 'yes', 'partial', 'high'], ['public poc', 'no', 'partial', 'high'], ['public poc', 'no', 'total', 'medium'], ['active', 'yes', 'partial', 'low']],
    attend: [['none', 'yes', 'partial', 'high'], ['public poc', 'no', 'total', 'high'], ['active', 'no', 'partial', 'high'], ['active', 'no', 'total', 'medium'], ['active', 'yes', 'partial', 'low']],
    act: [['active', 'no', 'total', 'high'], ['active', 'yes', 'partial', 'high'], ['active', 'yes', 'total', 'medium']],
  },
};

/**
 * Coordinator Triage 1.0.0: whether a coordinator takes a case. Its two-valued points order as
 * the table does: a report already public, a supplier not yet contacted and a single engaged
 * supplier all make coordination less needed.
 */
export const COORDINATOR_TRIAGE: DecisionModel<TriageDecision> = {
  name: 'Coordinator Triage',
  version: '1.0.0',
  points: [
    { key: 'reportPublic', name: 'Report Public', version: '1.0.0', values: ['yes', 'no'] },
    { key: 'supplierContacted', name: 'Supplier Contacted', version: '1.0.0', values: ['no', 'yes'] },
    { key: 'reportCredibility', name: 'Report Credibility', version: '1.0.0', values: ['not credible', 'credible'] },
    { key: 'supplierCardinality', name: 'Supplier Cardinality', version: '1.0.0', values: ['one', 'multiple'] },
    { key: 'supplierEngagement', name: 'Supplier Engagement', version: '1.0.0', values: ['active', 'unresponsive'] },
    UTILITY,
    PUBLIC_SAFETY_IMPACT,
  ],
  outcomes: ['decline', 'track', 'coordinate'],
  frontier: {
    track: [
      ['no', 'yes', 'credible', 'one', 'unresponsive', 'laborious', 'minimal'], ['no', 'yes', 'not credible', 'multiple', 'active', 'laborious', 'significant'],
      ['no', 'yes', 'not credible', 'one', 'active', 'efficient', 'significant'], ['yes', 'no', 'not credible', 'multiple', 'active', 'super effective', 'significant'],
      ['no', 'yes', 'not credible', 'multiple', 'active', 'super effective', 'minimal'],
    ],
    coordinate: [
      ['yes', 'no', 'not credible', 'multiple', 'active', 'super effective', 'significant'], ['no', 'yes', 'credible', 'multiple', 'unresponsive', 'laborious', 'minimal'],
      ['no', 'yes', 'credible', 'one', 'unresponsive', 'efficient', 'minimal'], ['no', 'yes', 'credible', 'one', 'unresponsive', 'laborious', 'significant'],
      ['no', 'yes', 'credible', 'multiple', 'active', 'super effective', 'minimal'],
    ],
  },
};

export const SSVC_MODELS = [DEPLOYER, SUPPLIER, CISA_COORDINATOR, COORDINATOR_TRIAGE] as const;

/** Decides `model` for values keyed by point key (SSVC's value names, any case). */
export function decide<Outcome extends string>(model: DecisionModel<Outcome>, input: Readonly<Record<string, string | undefined>>): SsvcResult<Outcome> {
  const diagnostics: SsvcDiagnostic[] = [];
  const ranks: number[] = [];
  const values: Record<string, string> = {};
  for (const point of model.points) {
    const raw = input[point.key];
    const rank = raw === undefined ? -1 : point.values.indexOf(raw.trim().toLowerCase());
    if (raw === undefined) {
      diagnostics.push({ code: 'ssvc/missing-value', point: point.key, message: `${model.name} needs \`${point.key}\` (${point.name})`, help: `give one of: ${point.values.join(', ')}` });
    } else if (rank < 0) {
      diagnostics.push({ code: 'ssvc/unknown-value', point: point.key, message: `\`${raw}\` is not a value of ${point.name} ${point.version}`, help: `use one of: ${point.values.join(', ')}` });
    }
    ranks.push(rank);
    if (rank >= 0) values[point.key] = point.values[rank] as string;
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  for (let o = model.outcomes.length - 1; o > 0; o--) {
    const outcome = model.outcomes[o] as Outcome;
    for (const entry of model.frontier[outcome] ?? []) {
      const met = entry.every((v, i) => ranks[i] as number >= (model.points[i] as DecisionPoint).values.indexOf(v));
      if (met) return { ok: true, decision: { model: model.name, outcome, values, because: Object.fromEntries(model.points.map((p, i) => [p.key, entry[i] as string])) } };
    }
  }
  return { ok: true, decision: { model: model.name, outcome: model.outcomes[0] as Outcome, values, because: null } };
}
