/** Public surface of the AWS catalog adapter. */
export { loadAwsCatalog, servicesOf } from './load-aws-catalog.js';
