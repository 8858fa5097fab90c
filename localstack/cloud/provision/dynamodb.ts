import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { asRecord } from '../../../cdk/lib/template.ts';
import type { ProvisionInput, ProvisionOutput } from './types.ts';

/** Capacity for PROVISIONED tables and indexes that do not say. Default 5/5, like the console. */
const defaultThroughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };

/** CreateTable input from resolved AWS::DynamoDB::Table properties. */
export function createTableInput(name: string, props: Record<string, unknown>): CreateTableCommandInput {
  const onDemand = props.BillingMode === 'PAY_PER_REQUEST';
  const throughput = (value: unknown) => (onDemand ? {} : { ProvisionedThroughput: numbers(value) });
  const streamView = asRecord(props.StreamSpecification)?.StreamViewType;
  const gsis = (props.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];
  const lsis = (props.LocalSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];
  return {
    TableName: name,
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: props.AttributeDefinitions as AttributeDefinition[],
    BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    ...throughput(props.ProvisionedThroughput),
    ...(gsis.length === 0
      ? {}
      : {
          GlobalSecondaryIndexes: gsis.map((index) => ({
            IndexName: index.IndexName as string,
            KeySchema: index.KeySchema as CreateTableCommandInput['KeySchema'],
            Projection: index.Projection as { ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE' },
            ...throughput(index.ProvisionedThroughput),
          })),
        }),
    ...(lsis.length === 0
      ? {}
      : {
          LocalSecondaryIndexes: lsis.map((index) => ({
            IndexName: index.IndexName as string,
            KeySchema: index.KeySchema as CreateTableCommandInput['KeySchema'],
            Projection: index.Projection as { ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE' },
          })),
        }),
    ...(typeof streamView === 'string'
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamView as 'NEW_AND_OLD_IMAGES' } }
      : {}),
  };
}

function numbers(value: unknown) {
  const record = asRecord(value);
  return {
    ReadCapacityUnits: Number(record?.ReadCapacityUnits ?? defaultThroughput.ReadCapacityUnits),
    WriteCapacityUnits: Number(record?.WriteCapacityUnits ?? defaultThroughput.WriteCapacityUnits),
  };
}

/**
 * Creates the table (or reuses it) and applies TimeToLiveSpecification with UpdateTimeToLive. An emulator that
 * lacks the TTL API (dynalite) is tolerated and reported through `warn`. Ref = name; attrs Arn, StreamArn.
 * Index or stream differences on an existing table are reported, not migrated.
 */
export async function provisionTable(
  dynamodb: DynamoDBClient,
  input: ProvisionInput,
): Promise<ProvisionOutput> {
  const { name, props, logicalId } = input;
  let table = await describe(dynamodb, name);
  const status = table === undefined ? 'created' : 'updated';
  if (table === undefined) {
    await dynamodb.send(new CreateTableCommand(createTableInput(name, props)));
  } else {
    const want = ((props.GlobalSecondaryIndexes as { IndexName?: string }[] | undefined) ?? []).map(
      (i) => i.IndexName,
    );
    const have = (table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName);
    if (want.sort().join() !== have.sort().join()) {
      input.warn(
        `${logicalId}: table ${name} has indexes [${have}] but the template says [${want}]; not migrated`,
      );
    }
  }
  table = await waitActive(dynamodb, name);
  const ttl = asRecord(props.TimeToLiveSpecification);
  if (ttl?.Enabled === true || ttl?.Enabled === 'true') {
    await applyTtl(dynamodb, name, String(ttl.AttributeName), (message) =>
      input.warn(`${logicalId}: ${message}`),
    );
  }
  if (table.TableArn === undefined) throw new Error(`table ${name} has no ARN`);
  const attrs: Record<string, string> = { Arn: table.TableArn };
  if (table.LatestStreamArn !== undefined) attrs.StreamArn = table.LatestStreamArn;
  return { status, ref: name, attrs };
}

async function applyTtl(
  dynamodb: DynamoDBClient,
  table: string,
  attribute: string,
  warn: (m: string) => void,
) {
  try {
    const current = (await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: table })))
      .TimeToLiveDescription;
    if (current?.TimeToLiveStatus === 'ENABLED' && current.AttributeName === attribute) return;
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    warn(`TTL on '${attribute}' not applied (emulator lacks UpdateTimeToLive?): ${why}`);
  }
}

async function describe(dynamodb: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function waitActive(dynamodb: DynamoDBClient, name: string): Promise<TableDescription> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const table = await describe(dynamodb, name);
    if (table?.TableStatus === 'ACTIVE') return table;
    if (Date.now() > deadline) throw new Error(`table ${name} not ACTIVE after 30 s`);
    await sleep(200);
  }
}
