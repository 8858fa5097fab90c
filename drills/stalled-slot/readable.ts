import { alarmThresholds } from '../../cdk/lib/alarm-thresholds.ts';
import { config } from '../../cdk/lib/config.ts';
import type { AlarmTransition } from '../../localstack/cloud/alarms/evaluator.ts';
import { probeLatencySpec } from '../kit/probe-latency-chart.ts';
import type { ReadableReport, Report } from '../kit/report.ts';
import { round } from '../kit/stats.ts';
import { MiB, mb, type Plan, SLOT } from './plan.ts';
import type { Recovery } from './recovery.ts';
import type { Sample } from './stall.ts';
import type { RecoveryFigures } from './verdict.ts';

type Transition = AlarmTransition & { t: number };
type Chart = NonNullable<ReadableReport['charts']>[number];

/** What the main run saw, as the readable report shows it. */
export interface MainRunView {
  samples: Sample[];
  transitions: Transition[];
  t1: number | undefined;
  t2: number | undefined;
  recoveries: Recovery[];
}

export function readable(
  report: Report,
  plan: Plan,
  main: MainRunView,
  control: Record<string, unknown>,
): ReadableReport {
  const { samples, transitions, t1, t2 } = main;
  return {
    title: 'Drill: stalled slot on a size-limited disk',
    summary: summary(report, plan, t1, t2),
    charts: [
      timelineChart(plan, samples, transitions, t2),
      alarmsChart(samples),
      probeChart(main.recoveries),
    ],
    sections: [
      { heading: 'Re-snapshot modes', body: modesSection(report, plan) },
      {
        heading: 'Alarm transitions',
        body: ['| t (s) | alarm | to | reason |', '|---|---|---|---|']
          .concat(transitions.map((x) => `| ${round(x.t)} | ${x.alarmName} | ${x.to} | ${x.reason} |`))
          .join('\n'),
      },
      {
        heading: 'What Postgres logged (capped run)',
        body: `\`\`\`\n${((report.evidence as { postgresLog: string[] }).postgresLog ?? []).join('\n')}\n\`\`\``,
      },
      {
        heading: 'Control run without the cap',
        body: `\`\`\`\n${JSON.stringify({ ...control, logLines: undefined }, null, 2)}\n\`\`\`\n\nLog:\n\n\`\`\`\n${((control.logLines as string[]) ?? []).join('\n')}\n\`\`\``,
      },
    ],
  };
}

function summary(report: Report, plan: Plan, t1: number | undefined, t2: number | undefined): string {
  const m = report.metrics as Record<string, unknown>;
  return [
    `The \`orders\` Debezium connector was stopped, so its slot \`${SLOT}\` stopped confirming. pg_wal lived on a ` +
      `${report.metrics.disk === 'tmpfs' ? 'real tmpfs' : 'measured budget'} of ${plan.diskMb} MB with ` +
      `max_slot_wal_keep_size=${plan.capMb} MB; orders and ~1 KiB ballast rows were written every 100 ms.`,
    `**T1** — the first page (\`${m.firstAlarm}\`) at ${t1 === undefined ? '–' : round(t1)} s, with ${mb(m.retainedAtAlarmBytes as number | null)} retained and ${mb(m.freeDiskAtAlarmBytes as number | null)} free. ` +
      `**T2** — Postgres invalidated the slot at ${t2 === undefined ? '–' : round(t2)} s (reason \`${m.invalidationReason}\`): ` +
      `${m.alarmLeadSeconds} s of warning. The disk never filled (minimum free ${mb(m.minFreeDiskBytes as number)}), ` +
      `and the primary took ${m.writesAfterInvalidation} more writes after T2.`,
    `Recovery, twice (drop the slot, clear the connector's offsets, restart Debezium), while a probe committed every ` +
      `10 ms: **blocking** (snapshot.mode=when_needed snapshots with no offset) and **incremental** ` +
      `(snapshot.mode=no_data, then an \`execute-snapshot\` signal row); see "Re-snapshot modes" below. The order ` +
      `view then differed from the source in ${m.viewDiffAfterRecovery ?? '–'} orders after the recommended mode. ` +
      `Recommended: **${m.recommendedMode ?? 'none'}** — ${m.recommendedReason}.`,
    `Control run without the cap: ${m.uncappedDiskFull ? 'Postgres PANICked when pg_wal filled' : 'no PANIC observed'}` +
      `${m.uncappedRestartFailed ? ' and could not restart until space was freed' : ''} (log below).`,
    `Alarm periods run at 2 s locally (the evaluator divides the template's 60 s periods by 30; M of N and missing-data ` +
      `rules unchanged). Thresholds are not scaled: ${thresholdNote(plan)}`,
  ].join('\n\n');
}

/** A recovery mode's figures as the report's metrics carry them (verdict.ts). */
type ModeRow = Omit<RecoveryFigures, 'probeErrors'>;

function modesSection(report: Report, plan: Plan): string {
  const m = report.metrics as {
    recoveryModes: ModeRow[];
    recommendedMode: string | null;
    recommendedReason: string;
  };
  return [
    `Blocking ran first, on the stall's gap; before incremental the connector was stopped again, its new slot ` +
      `dropped, and ${plan.gapOrders} orders placed and ${Math.floor(plan.gapOrders / 2)} cancelled meanwhile. ` +
      `resnapshotSeconds runs from dropping the slot until every order but the probe's is in the view as in the ` +
      `source (the connector's start included); writeFreezeMs is the longest gap between probe acknowledgments ` +
      `over that time.`,
    [
      '| mode | resnapshotSeconds | of which until streaming (s) | orders | WAL | writeFreezeMs | probe p99 (ms) | probe writes | view diff | quarantined by the view |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...m.recoveryModes.map(
        (r) =>
          `| ${r.mode} | ${r.resnapshotSeconds}${r.caughtUp ? '' : ' (never caught up; gave up)'} | ${r.connectorStreamingSeconds} | ${r.resnapshotRows} | ${mb(r.resnapshotWalBytes)} | ${r.writeFreezeMs} | ${r.probeWriteP99Ms} | ${r.probeWrites} | ${r.viewDiff} | ${r.viewQuarantined}${r.viewQuarantined > 0 ? ` (${r.quarantineReasons.join('; ')})` : ''} |`,
      ),
    ].join('\n'),
    `Recommended: **${m.recommendedMode ?? 'none'}** — ${m.recommendedReason}.`,
  ].join('\n\n');
}

/** The probe's write latency over each recovery, with the moment the connector was streaming marked. */
function probeChart(recoveries: Recovery[]): Chart {
  const latency = recoveries.flatMap((r) =>
    r.writes
      .filter((w, i) => i % 5 === 0 || (w.ackAt ?? r.window.to) - w.sentAt > 50)
      .map((w) => ({
        mode: r.mode,
        t: (w.sentAt - r.window.from) / 1000,
        ms: (w.ackAt ?? r.window.to) - w.sentAt,
      })),
  );
  const marks = recoveries.flatMap((r) => [
    { mode: r.mode, t: (r.window.streamingAt - r.window.from) / 1000, mark: 'connector streaming' },
    { mode: r.mode, t: (r.window.to - r.window.from) / 1000, mark: 'view = source' },
  ]);
  return {
    name: 'probe',
    caption:
      'Probe write latency (send → acknowledgment) over each recovery, from dropping the slot; the connector streaming and the view equal to the source marked',
    spec: probeLatencySpec(latency, marks, 's since the slot was dropped', 680),
  };
}

function timelineChart(
  plan: Plan,
  samples: Sample[],
  transitions: Transition[],
  t2: number | undefined,
): Chart {
  const series = samples.flatMap((s) => [
    { t: s.t, series: 'retained WAL (slot)', mib: s.retainedBytes === null ? null : s.retainedBytes / MiB },
    { t: s.t, series: 'pg_wal size', mib: s.pgWalBytes === null ? null : s.pgWalBytes / MiB },
    { t: s.t, series: 'disk free', mib: s.freeBytes / MiB },
    { t: s.t, series: 'cap (max_slot_wal_keep_size)', mib: plan.capMb },
  ]);
  const marks = [
    ...transitions
      .filter((x) => x.to === 'ALARM')
      .map((x) => ({ t: x.t, label: x.alarmName.replace(/^Holdline-/, '') })),
    ...(t2 === undefined ? [] : [{ t: t2, label: 'T2 slot invalidated' }]),
  ];
  return {
    name: 'timeline',
    caption: 'Timeline: retained WAL, cap, pg_wal, disk free (MiB) and alarm transitions',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 720,
      height: 320,
      layer: [
        {
          data: { values: series },
          mark: { type: 'line' },
          encoding: {
            x: { field: 't', type: 'quantitative', title: 'seconds since the consumer stopped' },
            y: { field: 'mib', type: 'quantitative', title: 'MiB' },
            color: { field: 'series', type: 'nominal' },
          },
        },
        {
          data: { values: marks },
          mark: { type: 'rule', strokeDash: [4, 3], color: '#d62728' },
          encoding: { x: { field: 't', type: 'quantitative' } },
        },
        {
          data: { values: marks },
          mark: { type: 'text', angle: 270, align: 'left', dx: 4, dy: -4, fontSize: 9 },
          encoding: {
            x: { field: 't', type: 'quantitative' },
            y: { value: 300 },
            text: { field: 'label' },
          },
        },
      ],
    },
  };
}

function alarmsChart(samples: Sample[]): Chart {
  return {
    name: 'alarms',
    caption: 'Alarms in ALARM state per second (local evaluator, template definitions)',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 720,
      height: 120,
      data: { values: samples.map((s) => ({ t: s.t, alarms: s.alarmsInAlarm.length })) },
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds since the consumer stopped' },
        y: { field: 'alarms', type: 'quantitative', title: 'alarms in ALARM' },
      },
    },
  };
}

/** Whether the retained-WAL alarms could fire at this run's cap (they are sized for the production cap). */
function thresholdNote(plan: Plan): string {
  return plan.capMb === config.maxSlotWalKeepSizeMb
    ? `this run uses the production cap, so the ${alarmThresholds.retainedWarnFraction * 100} %/${alarmThresholds.retainedPageFraction * 100} % retained-WAL alarms apply as deployed.`
    : `the retained-WAL alarms are sized for the production cap (${config.maxSlotWalKeepSizeMb} MB) and cannot fire at this run's ${plan.capMb} MB cap; the time-to-cap forecast and wal_status alarms are cap-relative and do. The full run (\`npm run drill -- stalled-slot\`) uses the production cap.`;
}
