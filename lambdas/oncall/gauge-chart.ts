import type { ChartSpec } from '../shared/vega-svg.ts';
import type { Gauge } from './gauges.ts';

/** The chart's time range, as the API read it. */
export interface ChartRange {
  from: Date;
  to: Date;
}

/** Chart units a reader takes in at a glance: bytes as MiB; the rest as published. */
export function chartUnit(unit: Gauge['unit']): { divisor: number; title: string } {
  switch (unit) {
    case 'Bytes':
      return { divisor: 1024 ** 2, title: 'MiB' };
    case 'Milliseconds':
      return { divisor: 1, title: 'ms' };
    case 'Seconds':
      return { divisor: 1, title: 's' };
    default:
      return { divisor: 1, title: 'messages' };
  }
}

/** Name of the thresholds layer: Vega gives its SVG marks the class `thresholds_marks`, which the drill counts. */
export const THRESHOLD_LAYER = 'thresholds';

const firingColor = '#b91c1c';
const thresholdColor = '#d97706';
const capColor = '#6b7280';

/**
 * Series that stayed at 0 over the whole range, folded into one line when there are several (nine quiet DLQs are one
 * legend entry, `9 at 0`), so the series that moved stand out.
 */
export function foldQuietSeries(history: Gauge['history']): Gauge['history'] {
  const quiet = history.filter((s) => s.points.length > 0 && s.points.every((p) => p.value === 0));
  if (quiet.length < 2) return history;
  const times = [...new Set(quiet.flatMap((s) => s.points.map((p) => p.at)))].sort();
  return [
    ...history.filter((s) => !quiet.includes(s)),
    {
      label: `${quiet.length} at 0`,
      metricName: quiet[0]!.metricName,
      dimensions: {},
      points: times.map((at) => ({ at, value: 0 })),
    },
  ];
}

/** The chart's rows: every datapoint of every series, and one row per threshold rule, in chart units. */
export function chartData(gauge: Pick<Gauge, 'unit' | 'history' | 'thresholds'>) {
  const { divisor } = chartUnit(gauge.unit);
  return {
    points: foldQuietSeries(gauge.history).flatMap((s) =>
      s.points.map((p) => ({ t: new Date(p.at).getTime(), v: p.value / divisor, series: s.label })),
    ),
    rules: gauge.thresholds.map((r) => ({
      v: r.value / divisor,
      label: `${r.kind === 'cap' ? 'cap' : `alarm ${r.comparison}`} ${formatNumber(r.value / divisor)}`,
      color: r.kind === 'cap' ? capColor : r.firing ? firingColor : thresholdColor,
    })),
  };
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(3);
}

/**
 * A gauge's time series over the range, one line per series, with a dashed rule and a label per threshold (red
 * when an alarm on it fires, amber otherwise, grey for the slot cap). The y scale takes in the rules, so a
 * threshold far above the data is still drawn.
 */
export function gaugeChartSpec(
  gauge: Pick<Gauge, 'unit' | 'history' | 'thresholds'>,
  range: ChartRange,
): ChartSpec {
  const { points, rules } = chartData(gauge);
  const unit = chartUnit(gauge.unit);
  const x = {
    field: 't',
    type: 'temporal' as const,
    scale: { type: 'utc' as const, domain: [range.from.getTime(), range.to.getTime()] },
    axis: { title: 'UTC', format: '%H:%M', tickCount: 6 },
  };
  // From 0 to the highest point or rule, and at least to 1: a gauge flat at 0 with its alarm at 0 (DLQ depth)
  // still gets an axis to read. Set once for every layer, so the layers never disagree on the domain.
  const top = Math.max(1, ...points.map((p) => p.v), ...rules.map((r) => r.v));
  const y = {
    field: 'v',
    type: 'quantitative' as const,
    title: unit.title,
    scale: { domain: [0, top], nice: true },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 400,
    height: 150,
    background: 'white',
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', point: { size: 12 }, strokeWidth: 1.5, interpolate: 'linear' },
        encoding: {
          x,
          y,
          color: {
            field: 'series',
            type: 'nominal',
            legend:
              points.length === 0 ? null : { orient: 'bottom', title: null, columns: 2, labelLimit: 220 },
          },
        },
      },
      {
        name: THRESHOLD_LAYER,
        data: { values: rules },
        mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { y, color: { field: 'color', type: 'nominal', scale: null } },
      },
      {
        data: { values: rules },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -2, fontSize: 10 },
        encoding: {
          x: { value: 0 },
          y,
          text: { field: 'label' },
          color: { field: 'color', type: 'nominal', scale: null },
        },
      },
      ...(points.length === 0
        ? [
            {
              data: { values: [{ text: 'no data in this range' }] },
              mark: { type: 'text' as const, color: capColor, fontSize: 12 },
              encoding: { x: { value: 200 }, y: { value: 75 }, text: { field: 'text' } },
            },
          ]
        : []),
    ],
    resolve: { scale: { color: 'independent' } },
  } as ChartSpec;
}
