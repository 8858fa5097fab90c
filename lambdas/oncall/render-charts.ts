import { renderChart } from '../shared/vega-svg.ts';
import { type ChartRange, gaugeChartSpec } from './gauge-chart.ts';
import type { Gauge } from './gauges.ts';

/** A gauge with its chart, an inline SVG the panel shows as is. */
export type ChartedGauge = Gauge & { chart: string };

/**
 * Each gauge's chart, rendered here rather than in the browser: the UI's Content-Security-Policy has no
 * `unsafe-eval`, which Vega's runtime needs to compile its expressions.
 */
export function withCharts(gauges: readonly Gauge[], range: ChartRange): Promise<ChartedGauge[]> {
  return Promise.all(gauges.map(async (g) => ({ ...g, chart: await renderChart(gaugeChartSpec(g, range)) })));
}
