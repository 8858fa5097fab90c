import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { claimHeadsSql, claimRowsSql } from '../../services/polling-relay/claim-sql.ts';
import type { RunContext } from '../kit/context.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { percentile, round } from '../kit/stats.ts';
import { throwawayPostgres } from '../kit/throwaway-postgres.ts';

/**
 * Bench: the polling relay's claim (heads + rows, the two SELECT … FOR UPDATE statements) against outboxes of
 * very different sizes. Each size is its own database (copies of the migrated one) on one server, and the
 * polls are interleaved round-robin, so machine load hits every size alike. Every table has the same 200
 * unsent rows (100 aggregates × 2); the rest is published history spread over 8 daily partitions.
 * Goal: the poll at the largest size within 1.2 × the smallest — the partial indexes hold only unsent rows.
 */

export const goalRatio = 1.2;
const UNSENT_AGGREGATES = 100;
const DAYS = 8;

/** Published rows i ∈ [from, to): UUIDv7 ids spread evenly over the last DAYS days, in id order. */
function historySql(total: number): string {
  const spanMs = DAYS * 86_400_000;
  return `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, published_at)
    SELECT (lpad(to_hex(t0 + (i::bigint * ${spanMs}) / ${total}), 12, '0') || '7' || lpad(to_hex(i % 4096), 3, '0')
            || '8' || lpad(to_hex(i), 15, '0'))::uuid,
           'order', 'hist-' || (i % 1000000), i / 1000000 + 1, 'OrderPlaced', '{"h":1}'::jsonb, now()
    FROM (SELECT (extract(epoch FROM now() - interval '${DAYS} days') * 1000)::bigint AS t0) base,
         generate_series($1::bigint, $2::bigint - 1) AS i`;
}

async function fill(url: string, rows: number, ctx: RunContext, label: string): Promise<number> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const started = performance.now();
  try {
    await db.query(`SELECT outbox_ensure_partitions(${DAYS + 1}, 1)`);
    // History is bulk-loaded into UNLOGGED partitions: no WAL for 10M throwaway rows, the same heap and
    // indexes for the poll to read (what is measured is the read path).
    const parts = await db.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'outbox'::regclass",
    );
    for (const { name } of parts.rows) await db.query(`ALTER TABLE ${name} SET UNLOGGED`);
    const chunk = 1_000_000;
    const bar = ctx.progress(`outbox-poll fill ${label}`, rows);
    for (let from = 0; from < rows; from += chunk) {
      const to = Math.min(rows, from + chunk);
      await db.query(historySql(rows), [from, to]);
      bar.tick(to - from);
    }
    bar.done();
    // The same unsent tail in every database: 100 aggregates × sequences 1, 2, written just now.
    await db.query(
      `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload, published_at)
       SELECT (lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint), 12, '0') || '7000' || '8'
               || lpad(to_hex(a * 2 + s), 15, '0'))::uuid,
              'order', 'live-' || a, s, 'OrderPlaced', '{}'::jsonb, NULL
       FROM generate_series(1, ${UNSENT_AGGREGATES}) a, generate_series(1, 2) s`,
    );
    await db.query('VACUUM ANALYZE outbox');
    return performance.now() - started;
  } finally {
    await db.end();
  }
}

/** One claim as the relay makes it, rolled back so every poll sees the same rows. */
async function poll(db: pg.Client): Promise<number> {
  const t = performance.now();
  await db.query('BEGIN');
  const heads = await db.query<{ aggregate_id: string }>(claimHeadsSql(), [200]);
  await db.query(claimRowsSql(), [heads.rows.map((r) => r.aggregate_id), 2000]);
  await db.query('ROLLBACK');
  return performance.now() - t;
}

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const sizes = ctx.quick ? [10_000, 100_000, 300_000] : [10_000, 1_000_000, 10_000_000];
  const polls = ctx.quick ? 150 : 400;
  const postgres = await throwawayPostgres('outbox-poll', { maxWalSizeMb: 2048 });
  const admin = new pg.Client({ connectionString: postgres.urls.admin });
  const clients: pg.Client[] = [];
  try {
    await admin.connect();
    await admin.query("SELECT outbox_use_relay('polling')");
    await admin.end();
    const urls: string[] = [];
    const server = new pg.Client({ connectionString: postgres.server.adminUrl });
    await server.connect();
    for (const size of sizes) {
      await server.query(`CREATE DATABASE outbox_${size} TEMPLATE holdline`);
      const url = new URL(postgres.urls.admin);
      url.pathname = `/outbox_${size}`;
      urls.push(url.toString());
    }
    await server.end();
    const fillMs: Record<string, number> = {};
    for (const [i, size] of sizes.entries())
      fillMs[size] = round(await fill(urls[i]!, size, ctx, String(size)));

    for (const url of urls) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      clients.push(c);
    }
    const samples: number[][] = sizes.map(() => []);
    for (const [i, c] of clients.entries()) for (let w = 0; w < 20; w++) samples[i]!.push(await poll(c)); // warm-up
    for (const s of samples) s.length = 0;
    const bar = ctx.progress('outbox-poll polls', polls * sizes.length);
    for (let r = 0; r < polls; r++) {
      for (let k = 0; k < clients.length; k++) {
        const i = (r + k) % clients.length; // rotate who goes first
        samples[i]!.push(await poll(clients[i]!));
        bar.tick();
      }
    }
    bar.done();
    const plans: Record<string, string> = {};
    const serverMs: Record<string, number> = {};
    for (const [i, c] of clients.entries()) {
      const explain = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${claimHeadsSql().replace('$1', '200')}`);
      const lines = explain.rows.map((r) => r['QUERY PLAN'] as string);
      plans[sizes[i]!] = lines.join('\n');
      serverMs[sizes[i]!] = Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1]);
    }
    const pollMsByRows = Object.fromEntries(sizes.map((s, i) => [s, round(percentile(samples[i]!, 50), 3)]));
    const pollP99MsByRows = Object.fromEntries(
      sizes.map((s, i) => [s, round(percentile(samples[i]!, 99), 3)]),
    );
    const tableBytes: Record<string, number> = {};
    for (const [i, c] of clients.entries())
      tableBytes[sizes[i]!] = Number(
        (
          await c.query(
            "SELECT sum(pg_total_relation_size(inhrelid)) AS b FROM pg_inherits WHERE inhparent = 'outbox'::regclass",
          )
        ).rows[0].b,
      );

    // The reaper on the largest table: drop the days older than 3.
    const largest = clients[clients.length - 1]!;
    const reapStarted = performance.now();
    const reaped = (await largest.query('SELECT * FROM outbox_reap_partitions(3)')).rows;
    const reapMs = round(performance.now() - reapStarted);
    const after: number[] = [];
    for (let r = 0; r < 50; r++) after.push(await poll(largest));

    const smallest = pollMsByRows[sizes[0]!]!;
    const biggest = pollMsByRows[sizes[sizes.length - 1]!]!;
    const ratio = round(biggest / smallest, 3);
    ctx.log(`poll p50 by rows: ${JSON.stringify(pollMsByRows)}; ratio ${ratio} (goal ≤ ${goalRatio})`);
    const report: Report = {
      drill: 'outbox-poll',
      passed: ratio <= goalRatio,
      metrics: {
        pollMsByRows,
        pollP99MsByRows,
        ratioLargestToSmallest: ratio,
        goalRatio,
        serverExecutionMsByRows: serverMs,
        tableBytesByRows: tableBytes,
        fillMsByRows: fillMs,
        reapMs,
        reapedPartitions: reaped.filter((r) => r.action === 'dropped').length,
        pollMsAfterReap: round(percentile(after, 50), 3),
      },
      evidence: { quick: ctx.quick, polls, plans, reaped },
    };
    return { report, readable: readable(report, sizes, samples, plans) };
  } finally {
    for (const c of clients) await c.end().catch(() => {});
    await postgres.dispose();
  }
}

function readable(
  report: Report,
  sizes: number[],
  samples: number[][],
  plans: Record<string, string>,
): ReadableReport {
  const m = report.metrics as Record<string, Record<string, number> | number>;
  const p50 = m.pollMsByRows as Record<string, number>;
  return {
    title: 'Bench: outbox poll latency vs table size',
    summary: [
      `The polling relay's claim (lock 200 aggregate heads with SKIP LOCKED, then their unsent rows; rolled back) against outboxes of ${sizes.map((s) => s.toLocaleString('en')).join(', ')} rows, each with the same 200 unsent rows; the history is published and spread over ${DAYS} daily partitions. The sizes live in separate databases on one server and are polled round-robin, so a busy machine slows them alike.`,
      `p50 per claim: ${sizes.map((s) => `${s.toLocaleString('en')} rows **${p50[s]} ms**`).join(', ')} — largest / smallest = **${m.ratioLargestToSmallest}** (goal ≤ ${goalRatio}). The partial indexes \`WHERE published_at IS NULL\` contain only unsent rows, so the poll reads the same few index pages whatever the history; the plans below show an index scan per daily partition and no sequential scan.`,
      `Clean-up: \`outbox_reap_partitions(3)\` on the largest table dropped ${m.reapedPartitions} daily partitions in ${m.reapMs} ms (DROP TABLE of whole days: no row-by-row DELETE, no dead tuples, no vacuum); the poll afterwards: ${m.pollMsAfterReap} ms p50. It waits at most 1 s for the parent's lock and otherwise retries on the next schedule, so it never queues in front of inserting transactions. The history was bulk-loaded into UNLOGGED partitions to save 10M rows of WAL; the poll reads the same heap and indexes either way.`,
    ].join('\n\n'),
    charts: [
      {
        name: 'latency',
        caption: 'Claim latency by outbox size (ms, per poll)',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 420,
          height: 200,
          data: {
            values: sizes.flatMap((s, i) => samples[i]!.map((ms) => ({ rows: s.toLocaleString('en'), ms }))),
          },
          mark: { type: 'boxplot', extent: 'min-max' },
          encoding: {
            x: { field: 'rows', type: 'nominal', sort: null, title: 'rows in outbox' },
            y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' },
          },
        },
      },
    ],
    sections: [
      {
        heading: 'Plans (EXPLAIN ANALYZE of the head query)',
        body: sizes.map((s) => `${s.toLocaleString('en')} rows:\n\n\`\`\`\n${plans[s]}\n\`\`\``).join('\n\n'),
      },
      { heading: 'How to run', body: '`npm run bench -- outbox-poll` (`--quick`: 10k / 100k / 300k rows).' },
    ],
  };
}
