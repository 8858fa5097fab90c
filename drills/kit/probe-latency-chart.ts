import type { TopLevelSpec } from 'vega-lite';

/**
 * The probe's write latency over time, one row per mode, with the mode's events drawn as rules: the chart the
 * snapshot drills share (snapshot-freeze, stalled-slot). Points carry `{mode, t, ms}`; marks `{mode, t, mark}`.
 */
export function probeLatencySpec(
  points: readonly { mode: string; t: number; ms: number }[],
  marks: readonly { mode: string; t: number; mark: string }[],
  xTitle: string,
  width: number,
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: [...points, ...marks] },
    facet: { row: { field: 'mode', type: 'nominal', title: null } },
    spec: {
      width,
      height: 110,
      layer: [
        {
          transform: [{ filter: 'isValid(datum.ms)' }],
          mark: { type: 'line', strokeWidth: 1 },
          encoding: {
            x: { field: 't', type: 'quantitative', title: xTitle },
            y: { field: 'ms', type: 'quantitative', title: 'write ms' },
          },
        },
        {
          transform: [{ filter: 'isValid(datum.mark)' }],
          mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 3] },
          encoding: { x: { field: 't', type: 'quantitative' } },
        },
      ],
    },
  };
}
