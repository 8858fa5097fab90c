import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { config } from '../../cdk/lib/config.ts';
import { synthTemplate } from '../../cdk/lib/synth.ts';
import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import { placeOrder } from '../../lambdas/orders/order-store.ts';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import type { SqlClient } from '../../lambdas/shared/db/sql-client.ts';
import { type DebeziumServer, startDebezium } from '../../localstack/cloud/debezium/index.ts';
import { kinesisClient } from '../../localstack/cloud/provision/clients.ts';
import { type CfnTemplate, provisionFromTemplate } from '../../localstack/cloud/provision/index.ts';
import { stateDir } from '../../localstack/lib/paths.ts';
import { freePort, type ManagedProcess } from '../../localstack/lib/process.ts';
import { startEmulators } from '../../localstack/processes/emulators/start.ts';
import type { RunContext } from '../kit/context.ts';
import { readStream, relayStarted, spawnRelay } from '../kit/relay-fixture.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { percentile, round } from '../kit/stats.ts';
import { throwawayPostgres } from '../kit/throwaway-postgres.ts';

/**
 * Bench: the two outbox relays side by side under the same open-loop order rate, one at a time on one
 * database — Debezium Server (WAL → Kinesis, the template's configuration) then the polling relay (500 ms).
 * Latency: commit (placeOrder returned) → the record's Kinesis arrival timestamp. Load on Postgres over the
 * same window: pg_stat_statements (calls, execution time), rows read (pg_stat_database), outbox index
 * scans and updates (pg_stat_user_tables), WAL written (pg_current_wal_lsn), logical decoding (slot stats).
 */

export const goalFactor = 0.2;
/** The template's Debezium `poll.interval.ms`, and the what-if arm's: Debezium's own default. */
const TEMPLATE_POLL_MS = config.debeziumPollInterval.toMilliseconds();
const WHAT_IF_POLL_MS = 500;

/** A copy of the template with extra environment on every Debezium container (the template is not changed). */
function withDebeziumEnv(template: CfnTemplate, environment: Record<string, string>): CfnTemplate {
  const copy = structuredClone(template);
  for (const resource of Object.values(copy.Resources ?? {})) {
    if (resource.Type !== 'AWS::ECS::TaskDefinition') continue;
    const containers = resource.Properties?.ContainerDefinitions as
      | Array<{ Environment?: Array<{ Name: string; Value: unknown }> }>
      | undefined;
    for (const container of containers ?? []) {
      const env = (container.Environment ?? []).filter((e) => !(e.Name in environment));
      container.Environment = [
        ...env,
        ...Object.entries(environment).map(([Name, Value]) => ({ Name, Value })),
      ];
    }
  }
  return copy;
}
const POLL_INTERVAL_MS = 500;
const SETTLE_MS = 4000;

const request: PlaceOrder = {
  customerId: 'relay-ab',
  currency: 'USD',
  items: [{ sku: 'BOOK-1', quantity: 1, unitPriceCents: 1250 }],
};
const now = () => performance.timeOrigin + performance.now();

interface Load {
  statements: number;
  statementMs: number;
  relayStatements: number;
  relayStatementMs: number;
  rowsRead: number;
  outboxIndexScans: number;
  outboxRowsUpdated: number;
  walBytes: number;
  decodedBytes: number;
  topStatements: Array<{ query: string; calls: number; ms: number; rows: number }>;
}

async function counters(db: pg.Client) {
  const row = (
    await db.query(`SELECT
      (SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = current_database()) AS rows_read,
      (SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_tables WHERE relname LIKE 'outbox%') AS idx_scans,
      (SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname LIKE 'outbox%') AS updated,
      pg_current_wal_lsn() AS lsn,
      (SELECT coalesce(sum(total_bytes), 0) FROM pg_stat_replication_slots) AS decoded`)
  ).rows[0];
  return row as { rows_read: string; idx_scans: string; updated: string; lsn: string; decoded: string };
}

/** Counters are cumulative: reset what can be reset, remember the rest, and diff at the end of the window. */
async function measureLoad(db: pg.Client) {
  await db.query('SELECT pg_stat_statements_reset()');
  await db.query('SELECT pg_stat_clear_snapshot()');
  const before = await counters(db);
  return async (): Promise<Load> => {
    await sleep(600); // stats are flushed by backends at most once a second
    await db.query('SELECT pg_stat_clear_snapshot()');
    const after = await counters(db);
    const statements = (
      await db.query<{ query: string; calls: string; ms: number; rows: string }>(
        `SELECT query, calls, total_exec_time AS ms, rows FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC`,
      )
    ).rows.map((r) => ({
      query: r.query.replace(/\s+/g, ' ').slice(0, 140),
      calls: Number(r.calls),
      ms: round(r.ms, 2),
      rows: Number(r.rows),
    }));
    const relay = statements.filter(
      (s) => /published_at/.test(s.query) || /^(BEGIN|COMMIT|ROLLBACK)$/i.test(s.query),
    );
    const wal = (
      await db.query<{ b: string }>('SELECT pg_wal_lsn_diff($1, $2) AS b', [after.lsn, before.lsn])
    ).rows[0]!;
    return {
      statements: statements.reduce((a, s) => a + s.calls, 0),
      statementMs: round(
        statements.reduce((a, s) => a + s.ms, 0),
        1,
      ),
      relayStatements: relay.reduce((a, s) => a + s.calls, 0),
      relayStatementMs: round(
        relay.reduce((a, s) => a + s.ms, 0),
        1,
      ),
      rowsRead: Number(after.rows_read) - Number(before.rows_read),
      outboxIndexScans: Number(after.idx_scans) - Number(before.idx_scans),
      outboxRowsUpdated: Number(after.updated) - Number(before.updated),
      walBytes: Number(wal.b),
      decodedBytes: Number(after.decoded) - Number(before.decoded),
      topStatements: statements.slice(0, 8),
    };
  };
}

/** Open loop at `rate`/s for `seconds`; returns commit times by order id. */
async function offer(db: SqlClient, rate: number, seconds: number): Promise<Map<string, number>> {
  const committed = new Map<string, number>();
  const total = Math.round(rate * seconds);
  const t0 = now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    if (due > now()) await sleep(due - now());
    inFlight.push(
      placeOrder(db, request).then(({ order }) => {
        committed.set(order.id, now());
      }),
    );
  }
  await Promise.all(inFlight);
  return committed;
}

interface Arm {
  relay: 'cdc' | 'polling';
  orders: number;
  delivered: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  load: Load;
  latencies: number[];
}

async function runArm(
  relay: Arm['relay'],
  admin: pg.Client,
  appUrl: string,
  streamName: string,
  rate: number,
  seconds: number,
  ctx: RunContext,
): Promise<Arm> {
  const kinesis = kinesisClient();
  // A fresh pool for the polling arm.
  const db = createPgClient({ connectionString: appUrl, max: 8 });
  try {
    // Warm-up outside the window: connections, plans, the relay's first PutRecords.
    const warm = await offer(db, 10, 1);
    await waitDelivered(kinesis, streamName, warm, 60_000);
    const stop = await measureLoad(admin);
    const committed = await offer(db, rate, seconds);
    await sleep(SETTLE_MS);
    const load = await stop();
    const arrivals = await waitDelivered(kinesis, streamName, committed, 60_000);
    const latencies = [...committed].flatMap(([id, at]) => {
      const arrived = arrivals.get(id);
      return arrived === undefined ? [] : [arrived - at];
    });
    ctx.log(
      `${relay}: ${latencies.length}/${committed.size} delivered, p50 ${round(percentile(latencies, 50))} ms`,
    );
    return {
      relay,
      orders: committed.size,
      delivered: latencies.length,
      p50Ms: round(percentile(latencies, 50)),
      p90Ms: round(percentile(latencies, 90)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(percentile(latencies, 100)),
      load,
      latencies,
    };
  } finally {
    await db.close();
    kinesis.destroy();
  }
}

/** Reads the stream until every order has its OrderPlaced record; returns arrival times by order id. */
async function waitDelivered(
  kinesis: ReturnType<typeof kinesisClient>,
  streamName: string,
  orders: Map<string, number>,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  const arrivals = new Map<string, number>();
  while (Date.now() < deadline) {
    for (const r of await readStream(kinesis, streamName)) {
      let e: { aggregateId?: string; eventType?: string };
      try {
        e = JSON.parse(r.data);
      } catch {
        continue;
      }
      if (
        e.eventType === 'OrderPlaced' &&
        e.aggregateId &&
        orders.has(e.aggregateId) &&
        r.arrivalAt !== undefined
      )
        if (!arrivals.has(e.aggregateId)) arrivals.set(e.aggregateId, r.arrivalAt);
    }
    if (arrivals.size >= orders.size) break;
    await sleep(500);
  }
  return arrivals;
}

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const rate = ctx.quick ? 20 : 50;
  const seconds = ctx.quick ? 4 : 30;
  const callerEndpoint = process.env.AWS_ENDPOINT_URL;
  const postgres = await throwawayPostgres('relay-ab');
  const emulators = await startEmulators(await freePort(), 'relay-ab-emulator');
  const admin = new pg.Client({ connectionString: postgres.urls.admin });
  admin.on('error', () => {});
  let debezium: DebeziumServer | undefined;
  let relay: ManagedProcess | undefined;
  try {
    process.env.AWS_ENDPOINT_URL = emulators.url;
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ...process.env,
    });
    await admin.connect();
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const template = synthTemplate() as CfnTemplate;
    const provisioned = await provisionFromTemplate(template);
    const streamName = provisioned.outputs.OrderEventsStreamName;
    if (!streamName) throw new Error('stack output OrderEventsStreamName is missing');

    // Arm 1: CDC. The database is in 'cdc' mode (rows born sent); only Debezium delivers.
    ctx.log('starting Debezium Server (outbox connector) …');
    const dataDir = join(stateDir, 'drills', 'relay-ab', 'debezium');
    mkdirSync(dataDir, { recursive: true });
    debezium = await startDebezium({
      template,
      provisioned,
      connector: 'outbox',
      databaseUrl: postgres.urls.cdc,
      awsEndpoint: emulators.url,
      dataDir,
    });
    const cdc = await runArm('cdc', admin, postgres.urls.app, streamName, rate, seconds, ctx);
    await debezium.stop();
    debezium = undefined;

    // What-if (full runs only, not the template): the same connector at Debezium's default poll interval, from an
    // in-memory copy of the template; same slot and offsets, so nothing is re-sent.
    let whatIf: Arm | undefined;
    if (!ctx.quick) {
      debezium = await startDebezium({
        template: withDebeziumEnv(template, { DEBEZIUM_SOURCE_POLL_INTERVAL_MS: String(WHAT_IF_POLL_MS) }),
        provisioned,
        connector: 'outbox',
        databaseUrl: postgres.urls.cdc,
        awsEndpoint: emulators.url,
        dataDir,
      });
      whatIf = await runArm('cdc', admin, postgres.urls.app, streamName, rate, seconds, ctx);
      await debezium.stop();
      debezium = undefined;
    }

    // Arm 2: polling. Debezium is stopped; rows written from now on are born unsent; one relay delivers.
    await admin.query("SELECT outbox_use_relay('polling')");
    relay = spawnRelay({
      id: 'relay-ab',
      databaseUrl: postgres.urls.app,
      kinesisUrl: emulators.url,
      streamName,
      intervalMs: POLL_INTERVAL_MS,
    });
    await relayStarted(relay);
    const polling = await runArm('polling', admin, postgres.urls.app, streamName, rate, seconds, ctx);

    const goal = round(goalFactor * polling.p50Ms);
    const goalMet = cdc.p50Ms <= goal;
    const allDelivered = cdc.delivered === cdc.orders && polling.delivered === polling.orders;
    const report: Report = {
      drill: 'relay-ab',
      passed: goalMet && allDelivered,
      metrics: {
        rate,
        seconds,
        cdcP50Ms: cdc.p50Ms,
        cdcP99Ms: cdc.p99Ms,
        pollingP50Ms: polling.p50Ms,
        pollingP99Ms: polling.p99Ms,
        goalCdcP50Ms: goal,
        goalMet,
        cdcDelivered: `${cdc.delivered}/${cdc.orders}`,
        pollingDelivered: `${polling.delivered}/${polling.orders}`,
        cdcStatements: cdc.load.statements,
        pollingStatements: polling.load.statements,
        cdcStatementMs: cdc.load.statementMs,
        pollingStatementMs: polling.load.statementMs,
        pollingRelayStatements: polling.load.relayStatements,
        pollingRelayStatementMs: polling.load.relayStatementMs,
        cdcRowsRead: cdc.load.rowsRead,
        pollingRowsRead: polling.load.rowsRead,
        cdcWalBytes: cdc.load.walBytes,
        pollingWalBytes: polling.load.walBytes,
        cdcDecodedBytes: cdc.load.decodedBytes,
        pollingOutboxRowsUpdated: polling.load.outboxRowsUpdated,
        ...(whatIf
          ? {
              whatIfPollIntervalMs: WHAT_IF_POLL_MS,
              whatIfCdcP50Ms: whatIf.p50Ms,
              whatIfCdcP99Ms: whatIf.p99Ms,
              whatIfRatio: round(whatIf.p50Ms / polling.p50Ms, 3),
            }
          : {}),
      },
      evidence: {
        quick: ctx.quick,
        pollIntervalMs: POLL_INTERVAL_MS,
        debeziumPollIntervalMs: '50 (template: debezium.source.poll.interval.ms)',
        arms: [cdc, polling].map(({ latencies: _l, ...a }) => a),
      },
    };
    return { report, readable: readable(report, cdc, polling) };
  } finally {
    await relay?.stop().catch(() => {});
    await debezium?.stop().catch(() => {});
    await admin.end().catch(() => {});
    await emulators.stop();
    await postgres.dispose();
    if (callerEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = callerEndpoint;
  }
}

function readable(report: Report, cdc: Arm, polling: Arm): ReadableReport {
  const m = report.metrics;
  const rows = [cdc, polling].map(
    (a) =>
      `| ${a.relay === 'cdc' ? 'CDC (Debezium Server)' : `polling (${POLL_INTERVAL_MS} ms, 1 replica)`} | ${a.p50Ms} | ${a.p99Ms} | ${a.load.statements} | ${a.load.statementMs} | ${a.load.rowsRead} | ${a.load.outboxIndexScans} | ${a.load.outboxRowsUpdated} | ${(a.load.walBytes / 1024).toFixed(0)} | ${(a.load.decodedBytes / 1024).toFixed(0)} |`,
  );
  return {
    title: 'Bench: outbox relays A/B — CDC (Debezium) vs polling',
    summary: [
      `One database, one stream, the same open-loop ${m.rate} orders/s for ${m.seconds} s per arm, one relay at a time: first Debezium Server with the template's configuration (poll.interval.ms ${TEMPLATE_POLL_MS}), then — Debezium stopped, \`outbox_use_relay('polling')\` — one polling-relay process polling every ${POLL_INTERVAL_MS} ms. Latency is commit → the record's Kinesis arrival timestamp. Load is measured on Postgres over the same window (orders + ${SETTLE_MS / 1000} s).`,
      `**CDC p50 ${m.cdcP50Ms} ms / p99 ${m.cdcP99Ms} ms; polling p50 ${m.pollingP50Ms} ms / p99 ${m.pollingP99Ms} ms.** Goal CDC p50 ≤ ${goalFactor} × polling p50 = ${m.goalCdcP50Ms} ms: **${m.goalMet ? 'met' : 'not met'}**. Delivered: CDC ${m.cdcDelivered}, polling ${m.pollingDelivered}.`,
      m.whatIfCdcP50Ms === undefined
        ? ''
        : `What-if (not the template): the same connector with \`poll.interval.ms\` ${m.whatIfPollIntervalMs} (Debezium's default) instead of ${TEMPLATE_POLL_MS} — CDC p50 ${m.whatIfCdcP50Ms} ms / p99 ${m.whatIfCdcP99Ms} ms, ${m.whatIfRatio} × polling p50.`,
      `Load: the polling relay adds ${m.pollingRelayStatements} statements (${m.pollingRelayStatementMs} ms of execution) in the window — claims, marks, transaction control, also when there is nothing to send — and an UPDATE per event (${m.pollingOutboxRowsUpdated} rows), which is WAL: ${m.pollingWalBytes} bytes against ${m.cdcWalBytes} for CDC. CDC issues no statements on the outbox beyond its heartbeat; its cost is the walsender decoding the WAL (${m.cdcDecodedBytes} bytes through the slot), which pg_stat_statements does not see.`,
    ]
      .filter(Boolean)
      .join('\n\n'),
    charts: [
      {
        name: 'latency',
        caption: 'Commit → Kinesis arrival, per order (ms)',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 420,
          height: 200,
          data: { values: [cdc, polling].flatMap((a) => a.latencies.map((ms) => ({ relay: a.relay, ms }))) },
          mark: { type: 'boxplot', extent: 'min-max' },
          encoding: {
            x: { field: 'relay', type: 'nominal' },
            y: { field: 'ms', type: 'quantitative', title: 'ms' },
          },
        },
      },
    ],
    sections: [
      {
        heading: 'Side by side',
        body: [
          '| relay | p50 ms | p99 ms | statements | statement ms | rows read | outbox index scans | outbox rows updated | WAL KiB | decoded KiB |',
          '|---|---|---|---|---|---|---|---|---|---|',
          ...rows,
        ].join('\n'),
      },
      {
        heading: 'Top statements (pg_stat_statements)',
        body: [cdc, polling]
          .map(
            (a) =>
              `**${a.relay}**\n\n| calls | ms | rows | query |\n|---|---|---|---|\n${a.load.topStatements.map((s) => `| ${s.calls} | ${s.ms} | ${s.rows} | \`${s.query.replace(/\|/g, '\\|')}\` |`).join('\n')}`,
          )
          .join('\n\n'),
      },
      { heading: 'When to use which', body: 'See docs/outbox.md, "Polling or CDC".' },
      { heading: 'How to run', body: '`npm run bench -- relay-ab` (`--quick`: 20 orders/s for 4 s).' },
    ],
  };
}
