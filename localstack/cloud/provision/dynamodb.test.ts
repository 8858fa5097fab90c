import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTableInput, provisionTable } from './dynamodb.ts';
import { pseudoParameters } from './resolve.ts';

const props = {
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
  TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
};

// An emulator without the TTL API (dynalite): tables work, DescribeTimeToLive/UpdateTimeToLive do not.
function emulatorWithoutTtl(): DynamoDBClient {
  const send = async (command: unknown) => {
    if (command instanceof DescribeTableCommand) {
      return {
        Table: { TableName: 't', TableStatus: 'ACTIVE', TableArn: 'arn:aws:dynamodb:us-east-1:1:table/t' },
      };
    }
    if (command instanceof DescribeTimeToLiveCommand || command instanceof UpdateTimeToLiveCommand) {
      throw Object.assign(new Error('not implemented'), { name: 'UnknownOperationException' });
    }
    throw new Error(`unexpected ${String(command)}`);
  };
  return { send } as unknown as DynamoDBClient;
}

describe('provisionTable', () => {
  it('tolerates an emulator without UpdateTimeToLive and reports it', async () => {
    const warnings: string[] = [];
    const out = await provisionTable(emulatorWithoutTtl(), {
      logicalId: 'Dedupe',
      name: 't',
      props,
      pseudo: pseudoParameters(),
      warn: (m) => warnings.push(m),
    });
    expect(out).toEqual({
      status: 'updated',
      ref: 't',
      attrs: { Arn: 'arn:aws:dynamodb:us-east-1:1:table/t' },
    });
    expect(warnings).toEqual([
      expect.stringMatching(/^Dedupe: TTL on 'expiration' not applied.*UnknownOperation/),
    ]);
  });
});

describe('createTableInput', () => {
  it('maps on-demand tables with GSIs and streams from CloudFormation properties', () => {
    const input = createTableInput('t', {
      ...props,
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    expect(input).toMatchObject({
      TableName: 't',
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{ IndexName: 'byStatus', Projection: { ProjectionType: 'ALL' } }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    });
    expect(input.ProvisionedThroughput).toBeUndefined();
  });

  it('gives PROVISIONED tables a default throughput when the template has none', () => {
    const { BillingMode: _onDemand, ...provisioned } = props;
    expect(createTableInput('t', provisioned).ProvisionedThroughput).toEqual({
      ReadCapacityUnits: 5,
      WriteCapacityUnits: 5,
    });
  });
});
