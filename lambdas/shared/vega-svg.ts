import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type ChartSpec = TopLevelSpec;

/**
 * Renders a Vega-Lite spec to a standalone SVG, headless (no browser, no canvas). The SVG carries presentation
 * attributes only (no `style`, no script), so a page can inline it under a strict Content-Security-Policy; Vega's
 * runtime, which compiles expressions with `Function`, runs here and never in the browser.
 */
export async function renderChart(spec: ChartSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
