/** The drills' charts render as the on-call panel's do (one renderer, defined once). */
export { type ChartSpec, renderChart } from '../../lambdas/shared/vega-svg.ts';
