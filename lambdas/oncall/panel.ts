import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { GaugeWindow } from './gauge-window.ts';
import { readGauges } from './read-gauges.ts';
import { type ChartedGauge, withCharts } from './render-charts.ts';
import type { StackScope } from './stack-scope.ts';

/** What `GET /oncall/gauges` answers: the chart's range and the four gauges with their charts. */
export interface Panel {
  range: { from: string; to: string; periodSeconds: number };
  gauges: ChartedGauge[];
}

/** Reads the gauges over the window ending `now` and draws each one's chart over that window. */
export async function readPanel(
  cw: Pick<CloudWatchClient, 'send'>,
  scope: StackScope,
  window: GaugeWindow,
  now = new Date(),
): Promise<Panel> {
  const from = new Date(now.getTime() - window.chartSeconds * 1000);
  const gauges = await readGauges(cw, scope, window, now);
  return {
    range: { from: from.toISOString(), to: now.toISOString(), periodSeconds: window.periodSeconds },
    gauges: await withCharts(gauges, { from, to: now }),
  };
}
