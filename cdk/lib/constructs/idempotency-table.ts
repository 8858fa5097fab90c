import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

/**
 * The table Powertools idempotency writes (its defaults: key `id`, expiry `expiration` in epoch seconds).
 * TTL only tidies up: Powertools' conditional write already treats an expired record as absent.
 * `Table`, not `TableV2`: TableV2 synthesizes a GlobalTable, which the local emulator does not provision.
 */
export function idempotencyTable(scope: Construct, id: string): Table {
  return new Table(scope, id, {
    partitionKey: { name: 'id', type: AttributeType.STRING },
    timeToLiveAttribute: 'expiration',
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
}
