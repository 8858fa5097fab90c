import { ConfigError, optionalEnv } from '../shared/env.ts';

/**
 * Environment variable of the on-call function: how many times faster than AWS the clock of its alarms runs
 * (default 1). The local cloud evaluates alarms with periods divided by this factor, so its panel charts the same
 * share of alarm periods: at 12, an hour of 60 s periods becomes 5 minutes of 5 s periods.
 */
export const ONCALL_TIME_SCALE_ENV = 'ONCALL_TIME_SCALE';

export interface GaugeWindow {
  /** How far back the chart goes. One hour in AWS. */
  chartSeconds: number;
  /** How old the latest datapoint may be to count as the gauge's value. 15 minutes in AWS. */
  latestSeconds: number;
  /** Datapoint period. 60 s in AWS (standard-resolution metrics). */
  periodSeconds: number;
}

/** The last hour in 60 s periods, value no older than 15 minutes, each divided by `timeScale`. */
export function gaugeWindow(timeScale = 1): GaugeWindow {
  return {
    chartSeconds: 3600 / timeScale,
    latestSeconds: (15 * 60) / timeScale,
    periodSeconds: Math.max(1, Math.round(60 / timeScale)),
  };
}

export function gaugeWindowFromEnv(env: NodeJS.ProcessEnv = process.env): GaugeWindow {
  const raw = optionalEnv(ONCALL_TIME_SCALE_ENV, '1', env);
  const scale = Number(raw);
  if (!Number.isInteger(scale) || scale < 1 || 60 % scale !== 0)
    throw new ConfigError(ONCALL_TIME_SCALE_ENV, `must be a whole divisor of 60, got "${raw}"`);
  return gaugeWindow(scale);
}
