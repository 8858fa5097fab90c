import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  KinesisClient as Client,
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { repoRoot } from '../../localstack/lib/paths.ts';
import { freePort, type ManagedProcess, spawnLogged } from '../../localstack/lib/process.ts';
import { selectedKinesis } from '../../localstack/processes/emulators/selection.ts';

/** Drills of the outbox relays need only Kinesis: the local cloud's Kinesis emulator on its own (no gateway). */
export async function startKinesis(logName: string) {
  const port = await freePort();
  const emulator = await selectedKinesis().start(port, { logName });
  const client = new Client({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  });
  return {
    url: emulator.url,
    client,
    async stop() {
      client.destroy();
      await emulator.stop();
    },
  };
}

export async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(100);
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

export interface ReadRecord {
  shardId: string;
  partitionKey: string;
  data: string;
  arrivalAt: number | undefined;
}

/** Every record of the stream, shard by shard in shard order, from TRIM_HORIZON until caught up. */
export async function readStream(kinesis: KinesisClient, name: string): Promise<ReadRecord[]> {
  const decoder = new TextDecoder();
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: name }));
  const records: ReadRecord[] = [];
  for (const { ShardId: shardId = '' } of Shards) {
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator) {
      const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of out.Records ?? [])
        records.push({
          shardId,
          partitionKey: r.PartitionKey ?? '',
          data: decoder.decode(r.Data),
          arrivalAt: r.ApproximateArrivalTimestamp?.getTime(),
        });
      iterator = out.NextShardIterator;
      if ((out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0) break;
    }
  }
  return records;
}

export interface RelayProcessOptions {
  id: string;
  databaseUrl: string;
  kinesisUrl: string;
  streamName: string;
  claimLog?: string;
  intervalMs?: number;
  env?: Record<string, string>;
}

/** One polling-relay replica as its own Node process (what a Fargate task runs), logged to `.holdline/logs/`. */
export function spawnRelay(options: RelayProcessOptions): ManagedProcess {
  return spawnLogged(
    `relay-${options.id}`,
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'services', 'polling-relay', 'main.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: options.kinesisUrl,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        DATABASE_URL: options.databaseUrl,
        OUTBOX_STREAM_NAME: options.streamName,
        RELAY_ID: options.id,
        RELAY_INTERVAL_MS: String(options.intervalMs ?? 500),
        RELAY_CLAIM_LOG: options.claimLog ?? '',
        ...options.env,
      },
    },
  );
}

/** Waits until the relay logged that it started polling (tsx start-up takes seconds on a loaded machine). */
export async function relayStarted(proc: ManagedProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`relay ${proc.name} exited before starting; see ${proc.logFile}`);
    try {
      if (readFileSync(proc.logFile, 'utf8').includes('polling relay started')) return;
    } catch {
      // not written yet
    }
    await sleep(100);
  }
  throw new Error(`relay ${proc.name} did not start within ${timeoutMs} ms; see ${proc.logFile}`);
}

/** Resolves when the process has exited (by itself or killed). */
export function exited(proc: ManagedProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) resolve();
    else proc.child.once('exit', () => resolve());
  });
}
