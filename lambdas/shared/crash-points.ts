import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Named crash points: places in a handler where a drill can make the process die abruptly (SIGKILL: no `finally`,
 * no flush, no acknowledgement), e.g. `payment:after-charge-before-ack`.
 *
 * Off by default and impossible to arm in AWS by accident: a point fires only when BOTH
 * `HOLDLINE_LOCAL_RUNTIME=1` (set by the local Lambda runtime, never by the CDK app — a template assertion test
 * checks that) AND `HOLDLINE_CRASH_POINTS` lists the point. With `HOLDLINE_CRASH_STATE_DIR` set, a point fires
 * once per key (the event id): a marker file is written before dying, so the redelivery gets through.
 */
export const crashPoints = [
  'payment:after-charge-before-ack',
  'inventory:after-effect-before-ack',
  'notification:after-effect-before-ack',
] as const;
export type CrashPoint = (typeof crashPoints)[number];

export interface CrashSettings {
  localRuntime: boolean;
  armed: ReadonlySet<string>;
  /** Where fired markers live; undefined = fire every time. */
  stateDir: string | undefined;
}

/** Reads the settings from an environment (the process's by default). Unknown names in the list are ignored. */
export function crashSettings(env: NodeJS.ProcessEnv = process.env): CrashSettings {
  const armed = new Set(
    (env.HOLDLINE_CRASH_POINTS ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
  return {
    localRuntime: env.HOLDLINE_LOCAL_RUNTIME === '1',
    armed,
    stateDir: env.HOLDLINE_CRASH_STATE_DIR || undefined,
  };
}

/** The marker file name for one firing: safe characters only. */
export function markerName(point: CrashPoint, key: string): string {
  return `${point}__${key}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * The decision, pure: crash here? Only under the local runtime, only when armed, and (with a state dir) only if
 * this point has not fired for this key before.
 */
export function shouldCrash(
  settings: CrashSettings,
  point: CrashPoint,
  alreadyFired: (marker: string) => boolean,
  key: string,
): boolean {
  if (!settings.localRuntime) return false;
  if (!settings.armed.has(point)) return false;
  if (settings.stateDir === undefined) return true;
  return !alreadyFired(markerName(point, key));
}

const settings = crashSettings();

/** Dies here, with SIGKILL, if the point is armed for this key; otherwise returns at once. */
export function crashPoint(point: CrashPoint, key: string): void {
  const { stateDir } = settings;
  const fired = (marker: string) => stateDir !== undefined && existsSync(join(stateDir, marker));
  if (!shouldCrash(settings, point, fired, key)) return;
  if (stateDir !== undefined) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, markerName(point, key)), `${process.pid} ${new Date().toISOString()}\n`);
  }
  process.stderr.write(`crash point ${point} fired for ${key}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
