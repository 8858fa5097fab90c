import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FLURRY_ALARM_NAME } from '../../cdk/lib/constructs/change-rules-pipeline.ts';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';
import { CONNECTOR_NAMES } from '../../localstack/cloud/debezium/task-container.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import type { RunContext } from '../kit/context.ts';
import { startCloudConnector, waitFor, withDrillCloud } from '../kit/drill-cloud.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { round } from '../kit/stats.ts';
import { insertSentinel, type MigrationRun, runMigration, seedCustomers } from './migration.ts';
import {
  AUDIT_LOG_ENTRY,
  FLURRY_LINE,
  functionLines,
  ROUTER_ENTRY,
  type SeenTransition,
  sampleSlots,
  slotPages,
  WELCOME_MAIL_ENTRY,
} from './observe.ts';
import { orderTimings, settleOrders, startOrderFlow, warmOrderPath } from './order-flow.ts';
import { fullPlan, MIGRATION, type Mode, modes, quickPlan } from './plan.ts';
import { type Band, latencyChart, readableReport } from './report.ts';
import { checks, latencyIn, latencyVerdict, type ModeResult, passed, type Span } from './verdict.ts';

const RULES_SLOT = CONNECTOR_NAMES.rules;

/** When a sign-up's welcome mail reached the mail stand-in (ms since epoch), if it has. */
function welcomeMailAt(cloud: LocalCloud, customerId: string): number | undefined {
  const mail = cloud.sideEffects.log().find((e) => e.eventType === 'WelcomeMail' && e.orderId === customerId);
  return mail === undefined ? undefined : Date.parse(mail.at);
}

/** A sign-up committed now, and when its welcome mail went out (undefined: not within `timeoutMs`). */
async function signUpRouted(cloud: LocalCloud, timeoutMs: number): Promise<number | undefined> {
  const id = randomUUID();
  await insertSentinel(cloud.database.app, id);
  return waitFor(() => welcomeMailAt(cloud, id), timeoutMs, 250);
}

interface ModeRun {
  migration: MigrationRun;
  before: Span;
  during: Span;
  routedAt: number | undefined;
}

/**
 * Drill (README.md here): orders at a steady rate while a migration updates a captured table in one transaction,
 * once marked as bulk and once unmarked. prepare: a local cloud with the order pipeline, `customers` seeded before
 * the change-rules connector starts · inject: the two migrations, each followed by a plain sign-up whose welcome
 * mail shows when the router has routed the migration · observe: order latency (Postgres's clocks), the rules
 * slot's retained WAL, the consumers' and the router's logs, the alarm transitions · verdict: verdict.ts.
 */
export async function run(ctx: RunContext): Promise<{ report: Report; readable: ReadableReport }> {
  const plan = ctx.quick ? quickPlan : fullPlan;
  const transitions: SeenTransition[] = [];
  return withDrillCloud(
    'bulk-flurry',
    ctx,
    () => ({
      cdc: true,
      // Started below, once `customers` is seeded: the seeding must trigger no rule.
      changeRules: false,
      // 15 s alarm periods (the default scale, 12, makes them 5 s): in one run on a busy machine the flurry page never
      // came with 5 s periods, probably because the router's one FlurryDetected datum arrived after its period was judged.
      slotGuard: {
        alarmTimeScale: 4,
        onTransition: (t) => transitions.push({ ...t, seenAt: Date.now() }),
      },
    }),
    async ({ cloud, dir }) => {
      const logDir = join(dir, 'logs');
      const seedStarted = Date.now();
      await seedCustomers(cloud.database.admin, plan.rows);
      const seedSeconds = round((Date.now() - seedStarted) / 1000);
      ctx.log(`seeded ${plan.rows} customers in ${seedSeconds} s`);
      const rules = await startCloudConnector(cloud, 'rules', join(dir, 'debezium', 'rules'));
      const slots = sampleSlots(cloud.database.admin);
      // A load generator, not the app: on a saturated machine a connection may take longer than the app's 5 s bound.
      const db = createPgClient({
        connectionString: cloud.database.app,
        max: 16,
        connectionTimeoutMillis: 30_000,
      });
      try {
        // Cold starts of the router and the welcome-mail consumer stay out of the first band.
        if ((await signUpRouted(cloud, 120_000)) === undefined)
          throw new Error('bulk-flurry: the change rules never routed a warm-up sign-up');
        const warmPending = await warmOrderPath(db, 90_000);
        if (warmPending > 0)
          ctx.log(`${warmPending} warm-up orders still pending after 90 s: starting the load anyway`);
        const flow = startOrderFlow(db, plan.ordersPerSecond);
        await sleep(plan.warmSeconds * 1000);
        const runs: ModeRun[] = [];
        for (const mode of modes) {
          await sleep(plan.beforeSeconds * 1000);
          ctx.log(`${mode} migration of ${plan.rows} rows …`);
          const migration = await runMigration(cloud.database.admin, mode);
          const routedAt = await signUpRouted(
            cloud,
            Math.max(0, migration.startedAt + plan.maxBandSeconds * 1000 - Date.now()),
          );
          const end = routedAt ?? Date.now();
          ctx.log(
            `  committed after ${round((migration.committedAt - migration.startedAt) / 1000)} s; routed ${
              routedAt === undefined
                ? 'not within the band'
                : `${round((end - migration.committedAt) / 1000)} s after`
            }`,
          );
          runs.push({
            migration,
            before: { from: migration.startedAt - plan.beforeSeconds * 1000, to: migration.startedAt },
            during: { from: migration.startedAt, to: end },
            routedAt,
          });
        }
        await sleep(plan.tailSeconds * 1000);
        // The flurry page takes a period or two of the alarm after the detection: the load goes on meanwhile.
        const unmarkedAt = runs.at(-1)!.migration.startedAt;
        await waitFor(
          () =>
            transitions.find(
              (t) => t.alarmName === FLURRY_ALARM_NAME && t.to === 'ALARM' && t.seenAt >= unmarkedAt,
            ),
          60_000,
          500,
        );
        const load = await flow.stop();
        const notApplied = await settleOrders(db, plan.settleSeconds * 1000);
        const gaveUpAt = Date.now();
        // The warm-up orders came before the load: not part of it.
        const orders = (await orderTimings(db)).filter((o) => o.createdAtMs >= flow.startedAt);
        const slotSamples = await slots.stop();

        const routerFlurries = functionLines(cloud, logDir, ROUTER_ENTRY, [FLURRY_LINE]);
        const summaries = functionLines(cloud, logDir, WELCOME_MAIL_ENTRY, ['bulk change summarised']);
        const handled = functionLines(cloud, logDir, AUDIT_LOG_ENTRY, ['change handled']).filter(
          (l) => l.rule === 'audit-customers',
        );
        const results: ModeResult[] = [];
        const perMode = {} as Record<Mode, Record<string, unknown>>;
        for (const r of runs) {
          const { migration: m } = r;
          const mine = summaries.filter((l) => l.txId === m.txId && l.migration === MIGRATION);
          const rows = new Map<string, number>();
          for (const l of handled) {
            const lsn = Number(l.lsn);
            if (lsn >= m.startLsn && lsn <= m.commitLsn && !rows.has(String(l.changeId)))
              rows.set(String(l.changeId), l.at);
          }
          const end = r.during.to;
          const rowEvents = [...rows.values()].filter((at) => at <= end).length;
          const detected = routerFlurries.filter((l) => l.txId === m.txId).map((l) => l.at);
          const flurryDetectedSeconds =
            detected.length === 0 ? null : round((Math.min(...detected) - m.committedAt) / 1000);
          const pages = slotPages(transitions, Object.values(CONNECTOR_NAMES), r.during.from, end);
          const latency = latencyVerdict(
            latencyIn(orders, r.before, gaveUpAt),
            latencyIn(orders, r.during, gaveUpAt),
          );
          // Up to the next migration's start: a page 5–20 s after the band (the alarm's period) is still this one's.
          const next = runs[runs.indexOf(r) + 1]?.migration.startedAt ?? Number.POSITIVE_INFINITY;
          const flurryPage = transitions.find(
            (t) =>
              t.alarmName === FLURRY_ALARM_NAME &&
              t.to === 'ALARM' &&
              t.seenAt >= m.startedAt &&
              t.seenAt < next,
          );
          results.push({
            mode: m.mode,
            latency,
            routerCaughtUp: r.routedAt !== undefined,
            summaries: mine.length,
            summaryRows: mine.reduce((sum, l) => sum + Number(l.rows ?? 0), 0),
            slotPages: pages.length,
            flurryDetectedSeconds,
            flurryPaged: flurryPage !== undefined,
          });
          const bandRetained = slotSamples.filter(
            (s) => s.slot === RULES_SLOT && s.at >= r.during.from && s.at <= end,
          );
          perMode[m.mode] = {
            migration: m,
            bandSeconds: round((end - r.during.from) / 1000),
            routerCaughtUpSeconds:
              r.routedAt === undefined ? null : round((r.routedAt - m.committedAt) / 1000),
            rowEventsDelivered: rowEvents,
            rowEventsByDrillEnd: rows.size,
            rowEventsPerSecond: round(rowEvents / Math.max((end - m.committedAt) / 1000, 1)),
            summaries: mine,
            slotPages: pages,
            slotRetainedMaxBytes: Math.max(0, ...bandRetained.map((s) => s.retainedBytes)),
            latency,
            flurryDetectedSeconds,
            flurryPagedSeconds:
              flurryPage === undefined ? null : round((flurryPage.seenAt - m.committedAt) / 1000),
          };
        }
        const byMode = <T>(pick: (mode: Mode) => T) =>
          Object.fromEntries(modes.map((mode) => [mode, pick(mode)])) as Record<Mode, T>;
        const result = (mode: Mode) => results.find((x) => x.mode === mode)!;
        const allChecks = checks(results, plan.rows, notApplied, load.failed);
        const metrics = {
          bulkRows: runs[0]!.migration.rows,
          ordersPerSecond: plan.ordersPerSecond,
          eventsDelivered: byMode((mode) => ({
            summaries: result(mode).summaries,
            rowEvents: perMode[mode].rowEventsDelivered as number,
            rowEventsPerSecond: perMode[mode].rowEventsPerSecond as number,
          })),
          orderAppliedP99Ms: byMode((mode) => ({
            before: result(mode).latency.beforeP99Ms,
            during: result(mode).latency.duringP99Ms,
            ratio: result(mode).latency.ratio,
          })),
          routerCaughtUpSeconds: byMode((mode) => perMode[mode].routerCaughtUpSeconds as number | null),
          slotRetainedMaxBytes: Math.max(
            0,
            ...slotSamples.filter((s) => s.slot === RULES_SLOT).map((s) => s.retainedBytes),
          ),
          slotPagesDuringMarked: result('marked').slotPages,
          flurryDetectedSeconds: result('unmarked').flurryDetectedSeconds,
          flurryPagedSeconds: perMode.unmarked.flurryPagedSeconds as number | null,
          orders: orders.length,
          ordersNotApplied: notApplied,
          ordersFailed: load.failed,
          quick: ctx.quick,
        };
        const report: Report = {
          drill: 'bulk-flurry',
          passed: passed(allChecks, ctx.quick),
          metrics,
          evidence: {
            plan,
            seedSeconds,
            checks: allChecks,
            modes: perMode,
            flurryLines: routerFlurries.slice(0, 5),
            alarmTransitions: transitions,
          },
        };
        const bands: Band[] = runs.map((r) => ({
          mode: r.migration.mode,
          from: r.during.from,
          to: r.during.to,
        }));
        const chart = latencyChart(orders, bands, flow.startedAt, gaveUpAt);
        return { report, readable: readableReport(report, plan, ctx.quick, allChecks, chart) };
      } finally {
        await slots.stop().catch(() => {});
        await db.close().catch(() => {});
        await rules.stop();
      }
    },
  );
}
