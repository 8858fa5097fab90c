/** One figure of a report, named by its path in `report.metrics`. */
export interface Figure {
  /** A key of `metrics`, or a dotted path into it (`arms.bare.tps`, `rates.0.kinesisP99Ms`). */
  metric: string;
  label: string;
  unit?: string;
  /** Which way is good. Without it a move is reported, never a regression. */
  better?: 'higher' | 'lower';
  /** The relative move that counts (0.2 = 20 %); default `defaultTolerance`. 0: any move counts. */
  tolerance?: number;
}

/** What a drill or bench proves, and the figures that show it (the README's table, `bench compare`). */
export interface Evidence {
  /** One line, for the README's table. */
  proves: string;
  headline: Figure[];
  /** Figures judged by `bench compare` with a direction, but not shown in the table (too many for one cell). */
  judged?: Figure[];
}

/** Every figure `bench compare` judges for a drill: its headline, then the rest it declares a direction for. */
export const judgedFigures = (e: Evidence | undefined): Figure[] => [
  ...(e?.headline ?? []),
  ...(e?.judged ?? []),
];

export const defaultTolerance = 0.2;

/** Every leaf of `metrics` by its dotted path; keys that already hold a dot (hot-key's `customer.lost`) stay whole. */
export function flattenMetrics(metrics: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else out.set(path, value);
  };
  walk(metrics, '');
  return out;
}

/** A value as the README and the page print it: grouped digits, yes/no, — for none. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'number') return value.toLocaleString('en-US', { maximumFractionDigits: 3 });
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** `label value unit` for each headline figure the metrics hold, joined by commas. */
export function headlineText(figures: readonly Figure[], metrics: Record<string, unknown>): string {
  const flat = flattenMetrics(metrics);
  return figures
    .map((f) => {
      const value = flat.get(f.metric);
      return `${f.label} ${formatValue(value)}${f.unit && value !== undefined && value !== null ? ` ${f.unit}` : ''}`;
    })
    .join(', ');
}
