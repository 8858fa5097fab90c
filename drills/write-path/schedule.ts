/**
 * The order of the timed windows: every variant sits between two `bare` windows (A B A C A …), and the variants'
 * order rotates round by round, so machine noise and drift (autovacuum, checkpoints, other work on the cores) land
 * on the variant and its own baseline alike, and no variant always runs first or last.
 */
export function roundOrder(variants: readonly string[], round: number): string[] {
  const shift = variants.length ? round % variants.length : 0;
  const rotated = [...variants.slice(shift), ...variants.slice(0, shift)];
  return ['bare', ...rotated.flatMap((name) => [name, 'bare'])];
}

export interface Sample {
  round: number;
  /** Position in the round. */
  slot: number;
  arm: string;
  tps: number;
  walBytesPerTx: number;
  clientCpuUsPerTx: number;
  serverCpuUsPerTx: number;
  planUsPerTx: number;
  execUsPerTx: number;
}

/** Each variant window's rate over the mean of the two bare windows around it. */
export function pairedRatios(
  samples: readonly Sample[],
): Array<{ round: number; arm: string; ratio: number }> {
  const out: Array<{ round: number; arm: string; ratio: number }> = [];
  for (const s of samples) {
    if (s.arm === 'bare') continue;
    const around = samples.filter(
      (b) => b.arm === 'bare' && b.round === s.round && Math.abs(b.slot - s.slot) === 1,
    );
    if (around.length === 0) continue;
    const baseline = around.reduce((sum, b) => sum + b.tps, 0) / around.length;
    out.push({ round: s.round, arm: s.arm, ratio: s.tps / baseline });
  }
  return out;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
