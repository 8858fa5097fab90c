import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { holdlineTemplate, referencedId, resourcesOf } from './template.ts';

describe('DynamoDB tables', () => {
  let template: Template;
  beforeAll(() => {
    template = holdlineTemplate();
  });

  const tableOfOutput = (outputId: string) =>
    resourcesOf(template, 'AWS::DynamoDB::Table')[referencedId(template.toJSON().Outputs[outputId].Value)!]!
      .Properties;

  it('keys idempotency records by a string id, as Powertools writes them', () => {
    expect(tableOfOutput('IdempotencyTableName')).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    });
  });

  it('expires idempotency records through TTL on the expiration attribute', () => {
    expect(tableOfOutput('IdempotencyTableName').TimeToLiveSpecification).toEqual({
      AttributeName: 'expiration',
      Enabled: true,
    });
  });

  it('keys the order view by pk and sk strings', () => {
    expect(tableOfOutput('OrderViewTableName')).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('bills both tables on demand with point-in-time recovery', () => {
    for (const output of ['IdempotencyTableName', 'OrderViewTableName']) {
      expect(tableOfOutput(output)).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it('uses plain tables, not global tables the local emulator cannot create', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  });
});
