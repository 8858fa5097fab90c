import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { repoRoot } from '../../localstack/lib/paths.ts';
import type { ManagedProcess } from '../../localstack/lib/process.ts';
import type { RunContext } from '../kit/context.ts';
import { createStream, exited, readStream, spawnRelay, startKinesis } from '../kit/relay-fixture.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { throwawayPostgres } from '../kit/throwaway-postgres.ts';
import type { WorkerArgs } from './worker.ts';

/**
 * Drill: the dual-write gap. The same orders, the same deterministic crash schedule, two write paths:
 * - naive: commit the order, then publish the event to Kinesis from the same process;
 * - outbox: commit the order and its outbox row in one transaction; the polling relay publishes.
 * At K scheduled points the order-writing process is SIGKILLed between its commit and its publish (and, on the
 * outbox side, the relay is SIGKILLed K times between Kinesis accepting a claim and marking it sent). Then the
 * stream is read back and every committed order is looked up in it.
 */

const WORKER = join(repoRoot, 'drills', 'dual-write', 'worker.ts');

/** K crash points spread evenly over N orders: deterministic, the same for both paths. */
export function crashSchedule(orders: number, crashes: number): number[] {
  return Array.from({ length: crashes }, (_, k) => Math.floor(((k + 1) * orders) / (crashes + 1)));
}

interface ArmResult {
  mode: 'naive' | 'outbox';
  committed: number;
  writerKills: number;
  relayKills: number;
  records: number;
  duplicates: number;
  lost: string[];
  /** order ids at the crash points, in schedule order. */
  crashedOrders: string[];
}

/** Runs the writer from order `from`; on a CRASH line SIGKILLs it and starts a new one after that order. */
async function runWriter(base: Omit<WorkerArgs, 'from'>, ctx: RunContext) {
  const crashedOrders: string[] = [];
  let from = 0;
  let kills = 0;
  while (from < base.to) {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify({ ...base, from })], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let next = base.to;
    let crashed = false;
    for await (const line of createInterface({ input: child.stdout })) {
      const [kind, i, orderId] = line.split(' ');
      if (kind === 'COMMITTED') next = Number(i) + 1;
      if (kind === 'CRASH') {
        crashedOrders.push(orderId ?? '');
        crashed = true;
        child.kill('SIGKILL'); // the process dies between commit and publish
        break;
      }
      if (kind === 'DONE') break;
    }
    const code = await done;
    if (crashed) {
      kills += 1;
      ctx.log(`  ${base.mode}: writer SIGKILLed after committing order ${next - 1} (kill ${kills})`);
    } else if (code !== 0) throw new Error(`${base.mode} writer exited with ${code}`);
    from = next;
  }
  return { kills, crashedOrders };
}

async function verify(
  db: pg.Client,
  kinesis: Awaited<ReturnType<typeof startKinesis>>,
  mode: string,
  stream: string,
) {
  const committed = (
    await db.query<{ id: string }>('SELECT id::text FROM orders WHERE customer_id = $1', [
      `dual-write-${mode}`,
    ])
  ).rows.map((r) => r.id);
  const records = await readStream(kinesis.client, stream);
  const events = records.map((r) => JSON.parse(r.data) as { eventId: string; aggregateId: string });
  const published = new Set(events.map((e) => e.aggregateId));
  const lost = committed.filter((id) => !published.has(id));
  const duplicates = events.length - new Set(events.map((e) => e.eventId)).size;
  return { committed: committed.length, records: records.length, lost, duplicates };
}

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const orders = ctx.quick ? 30 : 300;
  const crashes = ctx.quick ? 3 : 10;
  const schedule = crashSchedule(orders, crashes);
  const postgres = await throwawayPostgres('dual-write');
  const kinesis = await startKinesis('drill-dual-write-kinesis');
  const db = new pg.Client({ connectionString: postgres.urls.admin });
  const relays: ManagedProcess[] = [];
  try {
    await db.connect();
    await createStream(kinesis.client, 'naive-events', 1);
    await createStream(kinesis.client, 'outbox-events', 1);
    const common = { databaseUrl: postgres.urls.app, kinesisUrl: kinesis.url, to: orders, crashAt: schedule };
    ctx.log(`crash schedule (order index): ${schedule.join(', ')} of ${orders}`);

    // Naive path.
    const naiveWriter = await runWriter({ ...common, mode: 'naive', streamName: 'naive-events' }, ctx);
    const naive = await verify(db, kinesis, 'naive', 'naive-events');

    // Outbox path: rows are born unsent under the polling relay; the relay dies K times after publishing.
    await db.query("SELECT outbox_use_relay('polling')");
    const outboxWriter = await runWriter({ ...common, mode: 'outbox', streamName: 'outbox-events' }, ctx);
    let relayKills = 0;
    for (let lifetime = 0; ; lifetime++) {
      const crashing = relayKills < crashes;
      const relay = spawnRelay({
        id: `dual-write-${lifetime}`,
        databaseUrl: postgres.urls.app,
        kinesisUrl: kinesis.url,
        streamName: 'outbox-events',
        intervalMs: 100,
        env: crashing
          ? { HOLDLINE_LOCAL_RUNTIME: '1', HOLDLINE_CRASH_POINTS: 'relay:after-publish-before-commit' }
          : {},
      });
      relays.push(relay);
      if (crashing) {
        await exited(relay);
        if (relay.child.signalCode !== 'SIGKILL')
          throw new Error(`relay exited with ${relay.child.exitCode}, see ${relay.logFile}`);
        relayKills += 1;
        ctx.log(`  outbox: relay SIGKILLed after publishing, before marking sent (kill ${relayKills})`);
        continue;
      }
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const { rows } = await db.query<{ n: string }>(
          'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
        );
        if (Number(rows[0]?.n) === 0) break;
        await sleep(200);
      }
      await relay.stop();
      break;
    }
    const outbox = await verify(db, kinesis, 'outbox', 'outbox-events');

    const arms: ArmResult[] = [
      {
        mode: 'naive',
        ...naive,
        writerKills: naiveWriter.kills,
        relayKills: 0,
        crashedOrders: naiveWriter.crashedOrders,
      },
      {
        mode: 'outbox',
        ...outbox,
        writerKills: outboxWriter.kills,
        relayKills,
        crashedOrders: outboxWriter.crashedOrders,
      },
    ];
    for (const a of arms)
      ctx.log(
        `${a.mode}: ${a.committed} committed, ${a.records} records, ${a.lost.length} lost, ${a.duplicates} duplicates`,
      );
    const passed =
      naive.lost.length >= 1 &&
      naive.lost.length === crashes &&
      outbox.lost.length === 0 &&
      naiveWriter.kills === crashes &&
      outboxWriter.kills === crashes &&
      relayKills === crashes &&
      naive.committed === orders &&
      outbox.committed === orders;
    const report: Report = {
      drill: 'dual-write',
      passed,
      metrics: {
        orders,
        crashes,
        naiveLost: naive.lost.length,
        outboxLost: outbox.lost.length,
        outboxRelayCrashes: relayKills,
        outboxDuplicates: outbox.duplicates,
        naiveLostOrderIds: naive.lost,
      },
      evidence: { quick: ctx.quick, schedule, arms },
    };
    return { report, readable: readable(report, arms, schedule) };
  } finally {
    for (const relay of relays) await relay.stop(1000).catch(() => {});
    await db.end().catch(() => {});
    await kinesis.stop();
    await postgres.dispose();
  }
}

function readable(report: Report, arms: ArmResult[], schedule: number[]): ReadableReport {
  const m = report.metrics;
  const naive = arms[0] as ArmResult;
  const lostAtCrash = naive.lost.filter((id) => naive.crashedOrders.includes(id)).length;
  return {
    title: 'Drill: dual-write — naive publish vs the transactional outbox under the same crashes',
    summary: [
      `${m.orders} orders per path; the order-writing process was SIGKILLed between its commit and its publish at the same ${m.crashes} points (order indices ${schedule.join(', ')}), then restarted with the next order — what a supervisor does.`,
      `**Naive path** (commit the order, then PutRecord to Kinesis): **${m.naiveLost} of ${naive.committed} committed orders have no event in the stream** — ${lostAtCrash} of them exactly the orders at the crash points. Nothing in the system remembers they were owed an event: the database says the order exists, the stream never hears of it, and no retry can find it.`,
      `**Outbox path** (order + outbox row in one transaction; the polling relay publishes): **${m.outboxLost} lost**. The crash after commit lost nothing because the event committed with the order. The relay was SIGKILLed ${m.outboxRelayCrashes} times after Kinesis accepted a claim and before marking it sent; the next relay published those rows again — ${m.outboxDuplicates} duplicate records in the stream, which is the price of at-least-once and what the consumers' dedupe on \`eventId\` absorbs.`,
    ].join('\n\n'),
    charts: [
      {
        name: 'lost',
        caption: 'Committed orders without an event in the stream, per path',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 320,
          height: 180,
          data: {
            values: arms.flatMap((a) => [
              { path: a.mode, measure: 'lost', n: a.lost.length },
              { path: a.mode, measure: 'duplicates', n: a.duplicates },
            ]),
          },
          mark: 'bar',
          encoding: {
            x: { field: 'path', type: 'nominal' },
            xOffset: { field: 'measure' },
            y: { field: 'n', type: 'quantitative', title: 'orders / records' },
            color: { field: 'measure', type: 'nominal' },
          },
        },
      },
    ],
    sections: [
      {
        heading: 'Lost order ids (naive path)',
        body:
          naive.lost
            .map((id) => `- \`${id}\`${naive.crashedOrders.includes(id) ? ' (crash point)' : ''}`)
            .join('\n') || '(none)',
      },
      {
        heading: 'How to run',
        body: '`npm run drill -- dual-write` (quick: `--quick`, 30 orders, 3 crashes). Needs only Postgres and kinesis-local, both started and stopped by the drill.',
      },
    ],
  };
}
