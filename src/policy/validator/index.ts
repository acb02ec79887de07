/** The validator's public surface (re-exported by the policy module). */
export { validatePolicy, type ValidateOptions } from './validate.js';
export { expandActions } from './checks-catalog.js';
