import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { AlarmTransition } from '../../localstack/cloud/alarms/evaluator.ts';
import { logDir } from '../../localstack/lib/paths.ts';
import type { RunContext } from '../kit/context.ts';
import { MAIN_PG, SLOT } from './plan.ts';
import type { Stall } from './stall.ts';

/**
 * What the stall showed: the first page on the slot (T1) and the sample at it, what Postgres logged about the slot,
 * the disk's low point, whether the slot was invalidated before the disk filled, and the slot as it was left.
 */
export async function observeStall(
  ctx: RunContext,
  sampler: pg.Client,
  stall: Stall,
  transitions: Array<AlarmTransition & { t: number }>,
) {
  const { samples, t2 } = stall;
  const firstAlarm = transitions.find(
    (x) => x.to === 'ALARM' && x.severity === 'page' && x.alarmName.includes(SLOT),
  );
  const t1 = firstAlarm?.t;
  const atAlarm = t1 === undefined ? undefined : samples.find((s) => s.t >= t1);
  const logText = readFileSync(join(logDir, `${MAIN_PG}.log`), 'utf8');
  const logLines = logText
    .split('\n')
    .filter((l) => /invalidat|restart_lsn|max_slot_wal_keep_size|PANIC|No space|terminating process/i.test(l))
    .slice(0, 20);
  const minFreeBytes = Math.min(...samples.map((s) => s.freeBytes));
  const peakPgWalBytes = Math.max(...samples.map((s) => s.pgWalBytes ?? 0));
  const invalidatedBeforeFull = t2 !== undefined && minFreeBytes > 0 && !/PANIC/.test(logText);
  const slotAfter = (
    await sampler.query(
      `SELECT slot_name, wal_status, restart_lsn::text, confirmed_flush_lsn::text, invalidation_reason FROM pg_replication_slots WHERE slot_name = $1`,
      [SLOT],
    )
  ).rows[0];
  ctx.log(
    `writes after invalidation: ${stall.writesAfterInvalidation}; first page: ${firstAlarm?.alarmName} at ${t1}`,
  );
  return {
    firstAlarm,
    t1,
    atAlarm,
    logLines,
    minFreeBytes,
    peakPgWalBytes,
    invalidatedBeforeFull,
    invalidationReason:
      (slotAfter?.invalidation_reason as string | null) ?? samples.at(-1)?.walStatus ?? null,
    slotAfter,
  };
}
