import type { Gauge, GaugeThreshold } from './api.ts';

/** A gauge's value in its unit, the way an engineer reads it: MiB, seconds, milliseconds, messages. */
export function formatValue(value: number, unit: Gauge['unit']): string {
  switch (unit) {
    case 'Bytes':
      return value >= 1024 ** 2
        ? `${(value / 1024 ** 2).toFixed(1)} MiB`
        : `${(value / 1024).toFixed(1)} KiB`;
    case 'Milliseconds':
      return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
    case 'Seconds':
      return `${Math.round(value)} s`;
    default:
      return String(Math.round(value));
  }
}

/** A chart's range in words: "last 60 min, 60 s steps". */
export function rangeText(range: { from: string; to: string; periodSeconds: number }): string {
  const minutes = Math.round((Date.parse(range.to) - Date.parse(range.from)) / 60_000);
  return `last ${minutes} min, ${range.periodSeconds} s steps`;
}

/** A threshold for the details list: "alarm > 600 s (2 alarms, firing)" or "cap 1.0 GiB". */
export function thresholdText(t: GaugeThreshold, unit: Gauge['unit']): string {
  if (t.kind === 'cap') return `cap ${formatValue(t.value, unit)}`;
  const count = t.alarms.length === 1 ? '1 alarm' : `${t.alarms.length} alarms`;
  return `alarm ${t.comparison} ${formatValue(t.value, unit)} (${count}${t.firing ? ', firing' : ''})`;
}
