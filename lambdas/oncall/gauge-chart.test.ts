import { describe, expect, it } from 'vitest';
import { renderChart } from '../shared/vega-svg.ts';
import { chartData, foldQuietSeries, gaugeChartSpec } from './gauge-chart.ts';
import type { Gauge } from './gauges.ts';

const range = { from: new Date('2026-12-01T11:00:00Z'), to: new Date('2026-12-01T12:00:00Z') };
const slotGauge: Pick<Gauge, 'unit' | 'history' | 'thresholds'> = {
  unit: 'Bytes',
  history: [
    {
      label: 'holdline_slot',
      metricName: 'SlotRetainedWalBytes',
      dimensions: { SlotName: 'holdline_slot' },
      points: [
        { at: '2026-12-01T11:58:00Z', value: 2 * 1024 ** 2 },
        { at: '2026-12-01T11:59:00Z', value: 3 * 1024 ** 2 },
      ],
    },
  ],
  thresholds: [
    { value: 512 * 1024 ** 2, kind: 'alarm', comparison: '>', firing: true, alarms: ['slot-retained'] },
    { value: 1024 ** 3, kind: 'cap', comparison: '', firing: false, alarms: [] },
  ],
};

describe('chartData', () => {
  it('puts points and thresholds in the same chart unit (bytes as MiB), labelled with their comparison', () => {
    const { points, rules } = chartData(slotGauge);
    expect(points.map((p) => p.v)).toEqual([2, 3]);
    expect(points[0]).toMatchObject({ t: Date.parse('2026-12-01T11:58:00Z'), series: 'holdline_slot' });
    expect(rules).toEqual([
      { v: 512, label: 'alarm > 512', color: '#b91c1c' },
      { v: 1024, label: 'cap 1024', color: '#6b7280' },
    ]);
  });
});

describe('foldQuietSeries', () => {
  const series = (label: string, values: number[]) => ({
    label,
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: label },
    points: values.map((value, i) => ({ at: `2026-12-01T11:5${i}:00Z`, value })),
  });

  it('folds the series that stayed at 0 into one line, keeping those that moved', () => {
    const folded = foldQuietSeries([series('a', [0, 0]), series('b', [0, 3]), series('c', [0])]);
    expect(folded.map((s) => s.label)).toEqual(['b', '2 at 0']);
    expect(folded[1]!.points).toEqual([
      { at: '2026-12-01T11:50:00Z', value: 0 },
      { at: '2026-12-01T11:51:00Z', value: 0 },
    ]);
  });

  it('leaves a single quiet series as it is, under its own name', () => {
    expect(foldQuietSeries([series('a', [0]), series('b', [1])]).map((s) => s.label)).toEqual(['a', 'b']);
  });
});

describe('gaugeChartSpec', () => {
  const count = (svg: string, cls: string) =>
    (
      svg
        .match(new RegExp(`class="mark-[a-z]+ role-mark ${cls}"[^>]*>(.*?)</g>`))?.[1]
        ?.match(/<line|<path/g) ?? []
    ).length;

  it('draws a rule per threshold and the series over the whole range, as an SVG without style or script', async () => {
    const svg = await renderChart(gaugeChartSpec(slotGauge, range));
    expect(count(svg, 'thresholds_marks')).toBe(2);
    expect(svg).toContain('alarm &gt; 512');
    expect(svg).toContain('11:00');
    expect(svg).not.toMatch(/style=|<script/);
  });

  it('gives a gauge flat at 0, with its alarm at 0, an axis from 0 to 1', async () => {
    const quiet: Pick<Gauge, 'unit' | 'history' | 'thresholds'> = {
      unit: 'Count',
      history: [{ ...slotGauge.history[0]!, points: [{ at: '2026-12-01T11:59:00Z', value: 0 }] }],
      thresholds: [{ value: 0, kind: 'alarm', comparison: '>', firing: false, alarms: ['dlq'] }],
    };
    const svg = await renderChart(gaugeChartSpec(quiet, range));
    expect(svg).toMatch(/>1(\.0)?<\/text>/);
    expect(svg).not.toContain('0.000000');
  });

  it('keeps its set size whether the data sits far below the thresholds or there is none', async () => {
    const tiny = {
      ...slotGauge,
      history: [{ ...slotGauge.history[0]!, points: [{ at: '2026-12-01T11:59:00Z', value: 900 }] }],
    };
    for (const gauge of [tiny, { ...slotGauge, history: [] }]) {
      const svg = await renderChart(gaugeChartSpec(gauge, range));
      const height = Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)?.[1]);
      expect(height).toBeGreaterThan(150);
      expect(height).toBeLessThan(300);
    }
  });

  it('still draws the thresholds, and says there is no data, when nothing was published', async () => {
    const svg = await renderChart(gaugeChartSpec({ ...slotGauge, history: [] }, range));
    expect(count(svg, 'thresholds_marks')).toBe(2);
    expect(svg).toContain('no data in this range');
  });
});
