/**
 * The polling relay: a long-running service (a Fargate task in AWS, a plain process locally), never a Lambda.
 * Run as many replicas as you like; see claim-sql.ts for why they need no coordination.
 *   DATABASE_URL=… OUTBOX_STREAM_NAME=… tsx services/polling-relay/main.ts
 */
import { appendFileSync } from 'node:fs';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import pg from 'pg';
import { relayModeSql, sessionSettingsSql } from './claim-sql.ts';
import { relayConfigFromEnv } from './config.ts';
import { kinesisPut } from './kinesis-put.ts';
import { type ClaimObserver, relayLoop } from './relay.ts';

const config = relayConfigFromEnv();
const log = (fields: Record<string, unknown>) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), replica: config.replicaId, ...fields }));

const db = new pg.Client({
  connectionString: config.databaseUrl,
  ...(config.ssl ? { ssl: config.ssl } : {}),
  application_name: `polling-relay-${config.replicaId}`,
});
// A connection lost between passes: exit and let the orchestrator restart us (an open claim rolled back with it).
db.on('error', (error) => {
  log({ level: 'error', message: 'database connection lost', error: String(error) });
  process.exit(1);
});
await db.connect();
const { rows } = await db.query<{ mode: string | null }>(relayModeSql);
if (rows[0]?.mode !== 'polling') {
  // Under CDC every row is born sent; polling would find nothing, and running both would send twice.
  log({
    level: 'error',
    message: `the outbox relay mode (outbox_relay_mode()) is "${rows[0]?.mode}", not "polling": refusing to start`,
  });
  process.exit(2);
}
await db.query(sessionSettingsSql(config.idleInTransactionTimeoutMs));

// HTTP/1.1: the SDK's Kinesis default is HTTP/2 (for SubscribeToShard), which PutRecords does not need.
const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });
let claim = 0;
// Crash drills only (the local runtime's convention: ignored unless HOLDLINE_LOCAL_RUNTIME=1): die by SIGKILL
// after Kinesis accepted a claim and before its rows are marked sent, so they are published again later.
const crashAfterPublish =
  process.env.HOLDLINE_LOCAL_RUNTIME === '1' &&
  (process.env.HOLDLINE_CRASH_POINTS ?? '').split(',').includes('relay:after-publish-before-commit');
const append = (line: Record<string, unknown>) => {
  if (config.claimLog)
    appendFileSync(config.claimLog, `${JSON.stringify({ replica: config.replicaId, claim, ...line })}\n`);
};
const observer: ClaimObserver = {
  claimed: (ids) => {
    claim += 1;
    append({ kind: 'claimed', ids });
  },
  published: (ids) => {
    if (!crashAfterPublish || ids.length === 0) return;
    append({ kind: 'crash', ids });
    process.kill(process.pid, 'SIGKILL');
  },
  committed: (ids) => append({ kind: 'committed', ids }),
};
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop.abort());
log({ level: 'info', message: 'polling relay started', intervalMs: config.intervalMs, ...config.limits });
await relayLoop(
  db,
  kinesisPut(kinesis, config.streamName),
  {
    intervalMs: config.intervalMs,
    limits: config.limits,
    observer,
    onPass: (r) => {
      if (r.claimed > 0) log({ level: 'debug', message: 'pass', ...r });
    },
    onError: (error) => {
      // A broken connection or a failed statement: exit and let the orchestrator restart us; nothing is lost,
      // the open claim rolled back with the session.
      log({ level: 'error', message: 'pass failed', error: String(error) });
      process.exit(1);
    },
  },
  stop.signal,
);
await db.end();
kinesis.destroy();
log({ level: 'info', message: 'polling relay stopped' });
