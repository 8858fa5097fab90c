import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  type StreamDescriptionSummary,
} from '@aws-sdk/client-kinesis';
import { asRecord } from '../../../cdk/lib/template.ts';
import type { ProvisionInput, ProvisionOutput } from './types.ts';

/** How long to wait for a stream to become ACTIVE. Default 30 s (emulators take 0–0.5 s). */
const activeTimeoutMs = 30_000;

/**
 * Creates the stream (ShardCount, default 1; or ON_DEMAND) and waits until ACTIVE, or reuses the one there and
 * aligns its retention. Ref = name; attrs Arn. A differing shard count is reported, not resharded: resharding
 * renames shards and would orphan the local runtime's checkpoints.
 */
export async function provisionStream(
  kinesis: KinesisClient,
  input: ProvisionInput,
): Promise<ProvisionOutput> {
  const { props, name } = input;
  const onDemand = asRecord(props.StreamModeDetails)?.StreamMode === 'ON_DEMAND';
  const shardCount = props.ShardCount === undefined ? 1 : Number(props.ShardCount);
  let summary = await describe(kinesis, name);
  const status = summary === undefined ? 'created' : 'updated';
  if (summary === undefined) {
    await kinesis.send(
      new CreateStreamCommand(
        onDemand
          ? { StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
          : { StreamName: name, ShardCount: shardCount },
      ),
    );
  }
  summary = await waitActive(kinesis, name);
  if (status === 'updated' && !onDemand && summary.OpenShardCount !== shardCount) {
    input.warn(
      `${input.logicalId}: stream ${name} has ${summary.OpenShardCount} shards, template says ${shardCount}`,
    );
  }
  const retention = props.RetentionPeriodHours === undefined ? undefined : Number(props.RetentionPeriodHours);
  if (retention !== undefined && retention !== summary.RetentionPeriodHours) {
    const Command =
      retention > (summary.RetentionPeriodHours ?? 24)
        ? IncreaseStreamRetentionPeriodCommand
        : DecreaseStreamRetentionPeriodCommand;
    await kinesis.send(new Command({ StreamName: name, RetentionPeriodHours: retention }));
  }
  if (summary.StreamARN === undefined) throw new Error(`stream ${name} has no ARN`);
  return { status, ref: name, attrs: { Arn: summary.StreamARN } };
}

async function describe(kinesis: KinesisClient, name: string): Promise<StreamDescriptionSummary | undefined> {
  try {
    return (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function waitActive(kinesis: KinesisClient, name: string): Promise<StreamDescriptionSummary> {
  const deadline = Date.now() + activeTimeoutMs;
  for (;;) {
    const summary = await describe(kinesis, name);
    if (summary?.StreamStatus === 'ACTIVE') return summary;
    if (Date.now() > deadline) throw new Error(`stream ${name} not ACTIVE after ${activeTimeoutMs} ms`);
    await sleep(200);
  }
}
