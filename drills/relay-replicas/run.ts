import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { stateDir } from '../../localstack/lib/paths.ts';
import { killGroup, type ManagedProcess } from '../../localstack/lib/process.ts';
import type { RunContext } from '../kit/context.ts';
import {
  createStream,
  exited,
  readStream,
  relayStarted,
  spawnRelay,
  startKinesis,
} from '../kit/relay-fixture.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { throwawayPostgres } from '../kit/throwaway-postgres.ts';

/**
 * Drill: N polling-relay replicas on one outbox. Events are written in rounds (each round adds the next
 * sequence of every aggregate) while the replicas run; some replicas are SIGKILLed mid-run and restarted.
 * Every replica appends each claim and each commit to a claim log. Then the stream is read back as a consumer
 * would (per shard, in order, deduping on eventId) and checked against the log and the database.
 */

interface LogLine {
  replica: string;
  claim: number;
  kind: 'claimed' | 'committed' | 'crash';
  ids: string[];
}

/** Claim-log analysis: an id in two COMMITTED claims was published twice by live replicas in one pass. */
export function analyseClaims(lines: readonly LogLine[]) {
  const committedBy = new Map<string, string[]>();
  const claimedBy = new Map<string, string[]>();
  for (const line of lines) {
    const key = `${line.replica}#${line.claim}`;
    const target = line.kind === 'committed' ? committedBy : line.kind === 'claimed' ? claimedBy : undefined;
    if (!target) continue;
    for (const id of line.ids) target.set(id, [...(target.get(id) ?? []), key]);
  }
  const twice = [...committedBy].filter(([, claims]) => claims.length > 1);
  const committedClaims = new Set(
    lines.filter((l) => l.kind === 'committed').map((l) => `${l.replica}#${l.claim}`),
  );
  const abandoned = new Set(
    lines
      .filter((l) => l.kind === 'claimed' && !committedClaims.has(`${l.replica}#${l.claim}`))
      .map((l) => `${l.replica}#${l.claim}`),
  );
  return {
    claims: new Set(lines.filter((l) => l.kind === 'claimed').map((l) => `${l.replica}#${l.claim}`)).size,
    publishedTwiceInSamePass: twice.length,
    twiceSample: twice.slice(0, 10),
    reclaimedAfterCrash: [...claimedBy].filter(([, claims]) => claims.length > 1).length,
    abandonedClaims: abandoned.size,
  };
}

export interface ConsumedEvent {
  eventId: string;
  aggregateId: string;
  sequence: number;
  partitionKey: string;
}

/** A consumer's view: first delivery of each event id counts; its sequence must be the aggregate's next. */
export function checkOrder(events: readonly ConsumedEvent[]) {
  const seen = new Set<string>();
  const last = new Map<string, number>();
  let duplicates = 0;
  let orderViolations = 0;
  let gaps = 0;
  let wrongKey = 0;
  const sample: unknown[] = [];
  for (const e of events) {
    if (e.partitionKey !== e.aggregateId) wrongKey += 1;
    if (seen.has(e.eventId)) {
      duplicates += 1;
      continue;
    }
    seen.add(e.eventId);
    const previous = last.get(e.aggregateId) ?? 0;
    if (e.sequence <= previous) {
      orderViolations += 1;
      if (sample.length < 10) sample.push({ ...e, previous });
    } else if (e.sequence !== previous + 1) gaps += 1;
    last.set(e.aggregateId, Math.max(previous, e.sequence));
  }
  return { distinct: seen.size, duplicates, orderViolations, gaps, wrongKey, sample };
}

export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const replicas = 4;
  const aggregates = ctx.quick ? 100 : 500;
  const rounds = ctx.quick ? 10 : 20;
  const kills = ctx.quick ? 2 : 4;
  const events = aggregates * rounds;
  const postgres = await throwawayPostgres('relay-replicas');
  const kinesis = await startKinesis('drill-relay-replicas-kinesis');
  const admin = new pg.Client({ connectionString: postgres.urls.admin });
  const writer = new pg.Client({ connectionString: postgres.urls.app });
  for (const client of [admin, writer]) client.on('error', () => {});
  const logDir = join(stateDir, 'drills', 'relay-replicas');
  const procs: ManagedProcess[] = [];
  const claimLogs: string[] = [];
  const killLog: Array<{ replica: string; afterRound: number }> = [];
  const started = Date.now();
  try {
    await admin.connect();
    await admin.query("SELECT outbox_use_relay('polling')");
    await createStream(kinesis.client, 'relay-events', 4);
    // A session opened after the switch: its rows are born unsent.
    await writer.connect();
    const lifetimes = new Map<number, number>();
    const start = (r: number) => {
      const lifetime = (lifetimes.get(r) ?? 0) + 1;
      lifetimes.set(r, lifetime);
      const id = `r${r}-${lifetime}`;
      const claimLog = join(logDir, `claims-${id}.jsonl`);
      claimLogs.push(claimLog);
      const proc = spawnRelay({
        id,
        databaseUrl: postgres.urls.app,
        kinesisUrl: kinesis.url,
        streamName: 'relay-events',
        claimLog,
        intervalMs: 100,
        // Small claims, so the four replicas share the work and a kill lands mid-claim.
        env: { RELAY_MAX_AGGREGATES: '25', RELAY_MAX_ROWS: '100' },
      });
      procs[r] = proc;
      return proc;
    };
    for (let r = 0; r < replicas; r++) start(r);
    for (const proc of procs) await relayStarted(proc);

    const aggregateIds = Array.from({ length: aggregates }, (_, a) => `agg-${String(a).padStart(5, '0')}`);
    const killRounds = new Set(
      Array.from({ length: kills }, (_, k) => Math.floor(((k + 1) * rounds) / (kills + 1))),
    );
    const bar = ctx.progress('relay-replicas rounds', rounds);
    for (let round = 1; round <= rounds; round++) {
      await writer.query(
        `INSERT INTO outbox (event_id, aggregate_type, aggregate_id, sequence, event_type, payload)
         SELECT e, 'order', a, $3::bigint, 'OrderDrilled', jsonb_build_object('round', $3::bigint)
         FROM unnest($1::uuid[], $2::text[]) AS t(e, a)`,
        [aggregateIds.map(() => uuidv7()), aggregateIds, round],
      );
      if (killRounds.has(round)) {
        const r = round % replicas;
        killGroup(procs[r]?.child.pid, 'SIGKILL');
        await exited(procs[r]!);
        killLog.push({ replica: `r${r}-${lifetimes.get(r)}`, afterRound: round });
        ctx.log(`  SIGKILLed replica r${r}-${lifetimes.get(r)} after round ${round}; restarting it`);
        start(r);
      }
      bar.tick();
      await sleep(ctx.quick ? 200 : 300);
    }
    bar.done();
    const deadline = Date.now() + (ctx.quick ? 60_000 : 240_000);
    let unsent = Number.NaN;
    while (Date.now() < deadline) {
      unsent = Number(
        (await admin.query('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0].n,
      );
      if (unsent === 0) break;
      await sleep(250);
    }
    const drainMs = Date.now() - started;
    for (const proc of procs) await proc.stop();
    const deadReplicas = procs.filter(
      (p) => p.child.exitCode !== 0 && p.child.signalCode !== 'SIGTERM',
    ).length;

    const lines = claimLogs.flatMap((file) => {
      try {
        return readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as LogLine);
      } catch {
        return [];
      }
    });
    const claims = analyseClaims(lines);
    const records = await readStream(kinesis.client, 'relay-events');
    const consumed = records.map((r) => {
      const e = JSON.parse(r.data) as { eventId: string; aggregateId: string; sequence: number };
      return {
        eventId: e.eventId,
        aggregateId: e.aggregateId,
        sequence: e.sequence,
        partitionKey: r.partitionKey,
      };
    });
    const order = checkOrder(consumed);
    const inserted = Number((await admin.query('SELECT count(*) AS n FROM outbox')).rows[0].n);
    const lost = inserted - order.distinct;
    ctx.log(
      `${inserted} events, ${records.length} records, ${order.distinct} distinct, lost ${lost}, ${order.duplicates} duplicates, ${order.orderViolations} order violations, ${claims.publishedTwiceInSamePass} published twice in one pass`,
    );
    const report: Report = {
      drill: 'relay-replicas',
      passed:
        inserted === events &&
        unsent === 0 &&
        lost === 0 &&
        order.orderViolations === 0 &&
        order.gaps === 0 &&
        order.wrongKey === 0 &&
        claims.publishedTwiceInSamePass === 0 &&
        killLog.length === kills &&
        deadReplicas === 0,
      metrics: {
        replicas,
        events: inserted,
        aggregates,
        replicaKills: killLog.length,
        publishedTwiceInSamePass: claims.publishedTwiceInSamePass,
        lost,
        orderViolations: order.orderViolations,
        gaps: order.gaps,
        records: records.length,
        duplicatesAfterCrashes: order.duplicates,
        claims: claims.claims,
        abandonedClaims: claims.abandonedClaims,
        drainSeconds: Math.round(drainMs / 100) / 10,
      },
      evidence: {
        quick: ctx.quick,
        kills: killLog,
        claimsPerReplica: Object.fromEntries(
          [...new Set(lines.map((l) => l.replica))].map((r) => [
            r,
            lines.filter((l) => l.replica === r && l.kind === 'committed').length,
          ]),
        ),
        twiceSample: claims.twiceSample,
        orderViolationSample: order.sample,
        wrongPartitionKey: order.wrongKey,
        unsentAtEnd: unsent,
        replicasThatFailed: deadReplicas,
      },
    };
    return { report, readable: readable(report) };
  } finally {
    for (const proc of procs) await proc?.stop(1000).catch(() => {});
    await writer.end().catch(() => {});
    await admin.end().catch(() => {});
    await kinesis.stop();
    await postgres.dispose();
  }
}

function readable(report: Report): ReadableReport {
  const m = report.metrics;
  const perReplica = report.evidence.claimsPerReplica as Record<string, number>;
  return {
    title: 'Drill: relay replicas — SKIP LOCKED claims by aggregate, kills mid-run',
    summary: [
      `${m.replicas} polling-relay processes on one outbox (Postgres 17) and one 4-shard stream (kinesis-local). ${m.events} events for ${m.aggregates} aggregates were written in rounds while the replicas ran (each round adds every aggregate's next sequence); ${m.replicaKills} times a replica was SIGKILLed and restarted. Drained in ${m.drainSeconds} s.`,
      `From the claim logs (${m.claims} claims, ${m.abandonedClaims} abandoned by killed replicas): **${m.publishedTwiceInSamePass} event ids published by two committed claims**. From the stream, read per shard in order the way a consumer sees it, deduping on eventId: **${m.lost} lost**, **${m.orderViolations} per-aggregate order violations**, ${m.gaps} gaps; ${m.duplicatesAfterCrashes} duplicate records, all from claims whose replica was killed before it could mark them sent (at-least-once).`,
      'Why order holds with several replicas: a replica locks the oldest unsent row of an aggregate (its head) with `FOR UPDATE SKIP LOCKED` and then takes all unsent rows of the aggregates it holds; no other replica can take a head that is locked, and a later row is never a head while an older one is unsent. Within a claim, each PutRecords call carries at most one record per aggregate, so a failed entry is retried before anything after it.',
    ].join('\n\n'),
    charts: [
      {
        name: 'claims',
        caption: 'Committed claims per replica lifetime (killed ones restart as a new lifetime)',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 360,
          height: 180,
          data: { values: Object.entries(perReplica).map(([replica, claims]) => ({ replica, claims })) },
          mark: 'bar',
          encoding: {
            x: { field: 'replica', type: 'nominal', sort: 'ascending' },
            y: { field: 'claims', type: 'quantitative' },
          },
        },
      },
    ],
    sections: [
      {
        heading: 'How to run',
        body: '`npm run drill -- relay-replicas` (`--quick`: 1,000 events, 2 kills).',
      },
    ],
  };
}
