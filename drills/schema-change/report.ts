import type { ReadableReport, Report } from '../kit/report.ts';
import { percentile, round } from '../kit/stats.ts';
import { LOCK_TIMEOUT_MS, type MigrationRecord } from './apply-migration.ts';
import { type EventDiff, type EventsByType, stageEventDiffs } from './event-diff.ts';
import { BACKFILL_BATCH } from './migrations.ts';
import { type ViewCheck, type ViewOutcome, viewOutcome } from './observe.ts';
import type { WrittenOrder } from './order-writer.ts';
import { maxPauseMs, type ProbeWrite } from './write-probe.ts';

/** The stage whose events are the reference: the logical orders placed before any migration. */
export const GOLDEN = 'golden (before)';

export interface Stage {
  name: string;
  orders: WrittenOrder[];
}

export interface Observed {
  logicalOrders: number;
  preloaded: number;
  stages: Array<Stage & { events: Map<number, EventsByType> }>;
  migrated: MigrationRecord[];
  planned: number;
  writes: ProbeWrite[];
  checks: ViewCheck[];
  failure: string | undefined;
  /** A long reader of `orders` met this migration's first DDL step: the case `lock_timeout` exists for. */
  obstacle: { migration: string; heldMs: number };
  /** The `orders` connector's log lines about the changes (warnings, errors, schema). */
  connectorNotes: string[];
}

/**
 * Passes when every migration was applied, every stage's events equal the golden ones (`eventDiffs` 0), the order
 * view never showed an order wrong and never lost one silently (each stage `kept-working` or `failed-loudly`), and
 * no write of the flow failed.
 */
export function drillReport(quick: boolean, o: Observed): { report: Report; readable: ReadableReport } {
  const [golden, ...after] = o.stages;
  const diffs: EventDiff[] = golden
    ? after.flatMap((stage) => stageEventDiffs(stage.name, golden.events, stage.events))
    : [];
  const eventsCompared = after.reduce(
    (sum, s) => sum + [...s.events.values()].reduce((n, byType) => n + byType.size, 0),
    0,
  );
  const checkById = new Map(o.checks.map((c) => [c.orderId, c]));
  const outcomes: Record<string, ViewOutcome> = {};
  const reasons: Record<string, string[]> = {};
  const tallies: Record<string, Record<string, number>> = {};
  for (const stage of o.stages) {
    const checks = stage.orders.flatMap((order) => checkById.get(order.id) ?? []);
    outcomes[stage.name] = viewOutcome(checks);
    // The reason without the record's sequence number, so that one reason shows once.
    const why = checks.flatMap((c) =>
      c.reasons.map((r) => r.replace(/^record \d+ is not an orders change event: /, '')),
    );
    reasons[stage.name] = [...new Set(why)].slice(0, 3);
    const tally: Record<string, number> = { quarantinedRecords: 0 };
    for (const c of checks) {
      tally[c.result] = (tally[c.result] ?? 0) + 1;
      tally.quarantinedRecords = (tally.quarantinedRecords ?? 0) + c.reasons.length;
    }
    tallies[stage.name] = tally;
  }
  const pauses = Object.fromEntries(
    o.migrated.map((m) => [m.name, maxPauseMs(o.writes, m.startedAt, m.endedAt)]),
  );
  const inMigration = (w: ProbeWrite) =>
    o.migrated.some((m) => w.startedAt <= m.endedAt && w.startedAt + w.ms >= m.startedAt);
  const outside = o.writes.filter((w) => !w.error && !inMigration(w)).map((w) => w.ms);
  const writeErrors = o.writes.filter((w) => w.error !== undefined);
  // The long reader must have met a DDL step (lock timeouts > 0) and the writers must not have waited it out.
  const obstructed = o.migrated.find((mig) => mig.name === o.obstacle.migration);
  const obstacleLockTimeouts = obstructed?.steps.reduce((n, s) => n + s.lockTimeouts, 0) ?? 0;
  const obstacleBounded =
    obstacleLockTimeouts > 0 &&
    (pauses[o.obstacle.migration] ?? Number.POSITIVE_INFINITY) < o.obstacle.heldMs;
  const badViews = Object.values(outcomes).filter((v) => v === 'wrong-view' || v === 'silent-gap').length;
  const report: Report = {
    drill: 'schema-change',
    passed:
      o.failure === undefined &&
      o.migrated.length === o.planned &&
      eventsCompared > 0 &&
      diffs.length === 0 &&
      badViews === 0 &&
      obstacleBounded &&
      writeErrors.length === 0,
    metrics: {
      migrations: o.migrated.length,
      eventDiffs: diffs.length,
      eventsCompared,
      viewOutcome: outcomes,
      maxWritePauseMs: pauses,
      obstacleLockTimeouts,
      writeP99OutsideMigrationsMs: round(percentile(outside, 99)),
      probeWrites: o.writes.length,
      writeErrors: writeErrors.length,
    },
    evidence: {
      quick,
      logicalOrders: o.logicalOrders,
      preloadedRows: o.preloaded,
      obstacle: o.obstacle,
      failure: o.failure ?? null,
      eventDiffSample: diffs.slice(0, 20),
      viewReasons: reasons,
      viewTallies: tallies,
      connectorNotes: o.connectorNotes,
      viewChecks: o.checks.filter((c) => c.result === 'wrong' || c.result === 'missing').slice(0, 20),
      writeErrorSample: writeErrors.slice(0, 10),
      migrations: o.migrated,
      goldenEvents: golden ? [...golden.events.values()].map((byType) => Object.fromEntries(byType)) : [],
    },
  };
  return { report, readable: readable(report, o, { pauses, outcomes, reasons, tallies }) };
}

function phaseOf(migrated: readonly MigrationRecord[], w: ProbeWrite): string {
  const m = migrated.find((m) => w.startedAt <= m.endedAt && w.startedAt + w.ms >= m.startedAt);
  return m?.name ?? 'between migrations';
}

function readable(
  report: Report,
  o: Observed,
  figures: {
    pauses: Record<string, number>;
    outcomes: Record<string, ViewOutcome>;
    reasons: Record<string, string[]>;
    tallies: Record<string, Record<string, number>>;
  },
): ReadableReport {
  const m = report.metrics;
  const t0 = o.writes[0]?.startedAt ?? 0;
  const viewCell = (stage: string) => {
    const t = figures.tallies[stage] ?? {};
    const counts = ['correct', 'quarantined', 'wrong', 'missing'].filter((k) => (t[k] ?? 0) > 0);
    return `**${figures.outcomes[stage]}** (${counts.map((k) => `${t[k]} ${k}`).join(', ')}; ${t.quarantinedRecords ?? 0} records quarantined)`;
  };
  const reasonCell = (stage: string) =>
    (figures.reasons[stage] ?? []).map((r) => `\`${r.slice(0, 160)}\``).join('<br>');
  const rows = [
    `| ${GOLDEN} | — | — | — | — | — | — | ${viewCell(GOLDEN)} | ${reasonCell(GOLDEN)} |`,
    ...o.migrated.map((mig) => {
      const backfilled = mig.steps.reduce((n, s) => n + (s.rows ?? 0), 0);
      const lockTimeouts = mig.steps.reduce((n, s) => n + s.lockTimeouts, 0);
      return `| \`${mig.name}\` | ${mig.change} | ${mig.steps.length} | ${backfilled} | ${lockTimeouts} | ${mig.endedAt - mig.startedAt} | **${figures.pauses[mig.name]}** | ${viewCell(mig.name)} | ${reasonCell(mig.name)} |`;
    }),
  ];
  return {
    title: 'Drill: schema-change — the orders table changes under a running pipeline, the events do not',
    summary: [
      `A whole local cloud (emulators, Postgres 17, both Debezium connectors, the Lambda runtime), ${o.preloaded} rows preloaded into \`orders\` so the backfills have work. A probe writer places and confirms orders back to back the whole time (order + outbox row in one transaction, the payload built by the app with the product's \`orderPlacedEvent\`/\`contractPayload\`), timing every transaction: ${m.probeWrites} writes, **${m.writeErrors} failed**, p99 ${m.writeP99OutsideMigrationsMs} ms outside the migrations.`,
      `**Migrations** (drills/schema-change/migrations.ts), each online: every DDL in its own short transaction under \`lock_timeout = ${LOCK_TIMEOUT_MS}ms\` (retried if the lock is not granted), backfills in batches of ${BACKFILL_BATCH} rows, NOT NULL through a CHECK added NOT VALID then validated, and the app released between steps (expand → dual write → backfill → read the new → write the new only → contract). A long transaction that had read \`orders\` held its lock for ${o.obstacle.heldMs} ms when \`${o.obstacle.migration}\` began: its first DDL timed out on the lock and was retried (the \`lock timeouts\` column) instead of queueing every writer behind it for that long. ${m.migrations} of ${o.planned} applied${o.failure ? `; stopped by: \`${o.failure}\`` : ''}.`,
      `**Events.** ${o.logicalOrders} logical orders (the same requests every time) were placed and confirmed before any change (the golden events) and again after each migration; their \`OrderEvents\` records, read as other teams receive them, were compared field by field with the golden ones, ids and timestamps aside: ${m.eventsCompared} events compared, **${m.eventDiffs} differences**.`,
      `**The order view** (raw CDC of \`orders\` → \`OrderView\` λ → DynamoDB) has no such shield: it copies the row. Its row contract (\`lambdas/order-view/view-change.ts\`) names the columns its readers use, so a change whose row lacks one is quarantined with the reason instead of written. Per stage: ${Object.entries(
        figures.outcomes,
      )
        .map(([stage, outcome]) => `${stage} → **${outcome}**`)
        .join(', ')}. \`wrong-view\` or \`silent-gap\` would fail the drill.`,
    ].join('\n\n'),
    charts: [
      {
        name: 'write-pauses',
        caption: 'Every probe write (place or confirm), by start time; colour: the migration it overlapped',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          width: 560,
          height: 240,
          data: {
            values: o.writes.map((w) => ({
              s: round((w.startedAt - t0) / 1000),
              ms: w.ms,
              phase: phaseOf(o.migrated, w),
            })),
          },
          mark: { type: 'point', filled: true, size: 14 },
          encoding: {
            x: { field: 's', type: 'quantitative', title: 's since the first write' },
            y: { field: 'ms', type: 'quantitative', title: 'write transaction (ms)', scale: { type: 'log' } },
            color: { field: 'phase', type: 'nominal', title: 'during' },
          },
        },
      },
    ],
    sections: [
      {
        heading: 'Per migration',
        body: [
          '| stage (after) | change | steps | rows backfilled | lock timeouts | took (ms) | longest write (ms) | order view (its logical orders) | quarantine reasons |',
          '|---|---|---|---|---|---|---|---|---|',
          ...rows,
        ].join('\n'),
      },
      {
        heading: 'What the orders connector said',
        body: [
          "Records quarantined in a stage whose orders the view still shows correctly are later changes of those orders, made after a column was dropped: the next migration's backfill updates every row. The view refuses them and keeps the order's last correct item, so after a contract it stops following even the old orders the moment they change. The connector's own warnings (Debezium decoding, after a drop, changes committed before it: the dropped column's optionality is no longer in the catalog), counted:",
          ...(o.connectorNotes.length > 0 ? o.connectorNotes.map((n) => `- \`${n}\``) : ['- (none)']),
        ].join('\n'),
      },
    ],
  };
}
