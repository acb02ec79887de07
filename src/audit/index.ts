/** Public surface of the audit module: the hash-chained audit record and its verification. Pure. */
export type { AuditEventInput, AuditRecord } from './model.js';
export { AUDIT_OUTCOMES, GENESIS_HASH } from './model.js';
export { chainEvent, chainRecord, hashRecord, hashedText, type ChainedEvent } from './chain.js';
export type { ChainProblem, ChainProblemCode, ChainVerification, ChainVerifyOptions } from './verify.js';
export { ChainVerifier, verifyChain, verifyChainStream } from './verify.js';
export type { AuditPageReader } from './pages.js';
export { pagedAuditRecords } from './pages.js';
