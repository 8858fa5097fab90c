import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { functionIdByEntry } from '../../cdk/lib/template.ts';
import type { AlarmTransition } from '../../localstack/cloud/alarms/evaluator.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { functionLogLines } from '../kit/drill-cloud.ts';

/** One reading of a replication slot: WAL it holds back from recycling (current LSN − restart_lsn). */
export interface SlotSample {
  at: number;
  slot: string;
  retainedBytes: number;
}

/** Reads every slot's retained WAL each `everyMs` until stopped (the slot monitor's figure, finer grained). */
export function sampleSlots(adminUrl: string, everyMs = 1000) {
  const samples: SlotSample[] = [];
  let running = true;
  const done = (async () => {
    const db = new pg.Client({ connectionString: adminUrl });
    await db.connect();
    try {
      while (running) {
        const { rows } = await db.query<{ slot: string; retained: number | null }>(
          `SELECT slot_name AS slot, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS retained
           FROM pg_replication_slots`,
        );
        const at = Date.now();
        for (const r of rows)
          if (r.retained !== null) samples.push({ at, slot: r.slot, retainedBytes: Number(r.retained) });
        await sleep(everyMs);
      }
    } finally {
      await db.end();
    }
  })();
  return {
    samples,
    async stop(): Promise<SlotSample[]> {
      running = false;
      await done;
      return samples;
    },
  };
}

/** A structured log line of a function with its Powertools timestamp (ms since epoch). */
export type TimedLine = Record<string, unknown> & { message: string; at: number };

/** The lines of one function's log (`lambda-<id>.log` in the cloud's log directory) with one of `messages`. */
export function functionLines(
  cloud: LocalCloud,
  logDir: string,
  entry: string,
  messages: readonly string[],
): TimedLine[] {
  const file = join(logDir, `lambda-${functionIdByEntry(cloud.template, entry)}.log`);
  if (!existsSync(file)) return [];
  return functionLogLines(readFileSync(file, 'utf8'), messages).map((l) => ({
    ...l,
    at: Date.parse(String(l.timestamp)),
  }));
}

export const ROUTER_ENTRY = 'lambdas/change-rules/handler.ts';
export const WELCOME_MAIL_ENTRY = 'lambdas/change-rules/consumers/welcome-mail/handler.ts';
export const AUDIT_LOG_ENTRY = 'lambdas/change-rules/consumers/audit-log/handler.ts';
/** The router's line when it finds an unmarked flurry (lambdas/change-rules/handler.ts). */
export const FLURRY_LINE = 'unmarked flurry detected: throttled like a bulk change';

/** An alarm state change with when this process saw it. */
export type SeenTransition = AlarmTransition & { seenAt: number };

/** Slot alarms (named after a slot) that went to ALARM as a page within `[from, to]`. */
export function slotPages(
  transitions: readonly SeenTransition[],
  slots: readonly string[],
  from: number,
  to: number,
): SeenTransition[] {
  return transitions.filter(
    (t) =>
      t.to === 'ALARM' &&
      t.severity === 'page' &&
      t.seenAt >= from &&
      t.seenAt <= to &&
      slots.some((s) => t.alarmName.includes(s)),
  );
}
