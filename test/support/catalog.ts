/** Loads the real AWS catalog once per test file (the iam-data package, read from disk). */
import { loadAwsCatalog } from '../../src/aws-catalog/index.js';
import type { ServiceCatalog } from '../../src/policy/index.js';

let catalog: Promise<ServiceCatalog> | undefined;

export function testCatalog(): Promise<ServiceCatalog> {
  return (catalog ??= loadAwsCatalog(['s3', 'iam', 'ec2', 'dynamodb', 'kms', 'lambda', 'sqs', 'sts', 'logs']));
}
