import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type ChartSpec = TopLevelSpec;

/** Renders a Vega-Lite spec to a standalone SVG, headless (no browser, no canvas). */
export async function renderChart(spec: ChartSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
