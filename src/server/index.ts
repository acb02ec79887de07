/** Public surface of the HTTP API: the Fastify app over a ControlPlaneStore, tokens and roles. */
export { API_VERSION, DEFAULT_BODY_LIMIT, DEFAULT_RATE_LIMIT, buildServer, startServer, type ServerDeps, type StartedServer } from './server.js';
export type { App } from './context.js';
export type { MonitorRunner } from './routes/monitor.js';
export type { Caller } from './authn.js';
export { ROLE_POLICIES, ROLES } from './roles.js';
export { TESSERA_ACTIONS, engineArn, trn, type TesseraAction } from './resources.js';
export { hashSecret, newToken, parseToken, verifySecret, type NewToken } from './tokens.js';
export { createToken } from './bootstrap.js';
export { DEFAULT_EVENT_RETENTION_DAYS, startEventRetention, type EventRetention, type EventRetentionOptions } from './event-retention.js';
export type { Problem } from './problem.js';
