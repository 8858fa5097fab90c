import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CfnTemplate, functionIdByEntry, scheduleIdsOf } from '../../cdk/lib/template.ts';
import type { Order } from '../../lambdas/orders/order.ts';
import {
  type DebeziumConnector,
  type DebeziumServer,
  startDebezium,
} from '../../localstack/cloud/debezium/index.ts';
import {
  type LocalCloud,
  type LocalCloudOptions,
  startLocalCloud,
} from '../../localstack/cloud/local-cloud.ts';
import { stateDir } from '../../localstack/lib/paths.ts';
import { apiClient, oneItemOrder, undefinedOnHttpError } from './api-client.ts';
import type { RunContext } from './context.ts';
import { reportsDir } from './report.ts';

export interface DrillCloud {
  cloud: LocalCloud;
  /** The drill's own directory (removed afterwards); put crash markers etc. under it. */
  dir: string;
}

type DrillCloudOptions = Pick<
  LocalCloudOptions,
  'localEnv' | 'adjustTemplate' | 'cdc' | 'changeRules' | 'scheduleOverrides' | 'slotGuard'
>;

/** Where a drill's last run left its processes' logs: `drills/reports/<name>-logs/`. */
export const keptLogsDir = (name: string) => join(reportsDir, `${name}-logs`);

/**
 * Moves a finished run's logs beside its report, replacing the previous run's, before its state directory goes:
 * a failure is explained by them (the API's `api error:` lines, the Lambdas' warnings), and one run per drill
 * bounds the disk they take.
 */
export function keepLogs(logDir: string, name: string, ctx: RunContext): void {
  if (!existsSync(logDir)) return;
  const kept = keptLogsDir(name);
  rmSync(kept, { recursive: true, force: true });
  mkdirSync(reportsDir, { recursive: true });
  try {
    renameSync(logDir, kept);
  } catch (error) {
    // A state directory on another file system (HOLDLINE_STATE_DIR) cannot be renamed into the tree: copy it.
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    cpSync(logDir, kept, { recursive: true });
  }
  ctx.log(`  logs kept in ${kept}`);
}

/**
 * Starts a whole local cloud of the drill's own (free ports, fresh Postgres, own state dir; reach it through
 * `cloud.aws` / `cloud.clients()`). `stop` stops it, keeps its logs (keptLogsDir) and removes the directory.
 */
export async function startIsolatedCloud(
  name: string,
  ctx: RunContext,
  options: (dir: string) => DrillCloudOptions,
): Promise<DrillCloud & { stop(): Promise<void> }> {
  const base = join(stateDir, 'drills', name);
  mkdirSync(base, { recursive: true });
  // Postgres runs as `holdline-pg` when we are root: it must be able to reach its data directory.
  chmodSync(base, 0o755);
  const dir = mkdtempSync(join(base, 'run-'));
  chmodSync(dir, 0o755);
  const restore = () => {
    keepLogs(join(dir, 'logs'), name, ctx);
    rmSync(dir, { recursive: true, force: true });
  };
  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({
      stateDir: dir,
      logDir: join(dir, 'logs'),
      ports: { aws: 0, postgres: 0, api: 0, web: 0 },
      fresh: true,
      progress: (line) => ctx.log(`  ${line}`),
      ...options(dir),
    });
  } catch (error) {
    restore();
    throw error;
  }
  return {
    cloud,
    dir,
    stop: async () => {
      await cloud.stop();
      restore();
    },
  };
}

/** Runs `work` against a local cloud of its own (see startIsolatedCloud), then stops it whatever happened. */
export async function withDrillCloud<T>(
  name: string,
  ctx: RunContext,
  options: (dir: string) => DrillCloudOptions,
  work: (drill: DrillCloud) => Promise<T>,
): Promise<T> {
  const drill = await startIsolatedCloud(name, ctx, options);
  try {
    return await work(drill);
  } finally {
    await drill.stop();
  }
}

/**
 * Places one order through the HTTP API as the drill's customer (`drill-<tag>`); returns its id.
 * @deprecated use apiClient (drills/kit/api-client.ts); kept for relay-crash and lambdas/consumers/consumers.it.test.ts.
 */
export async function placeOrder(
  api: string,
  tag: string,
  i: number,
  totalCents = 1000 + i,
): Promise<string> {
  const { order } = await apiClient(api, `drill-${tag}`).place(oneItemOrder(`SKU-${i}`, totalCents), {
    idempotencyKey: `${tag}-${i}-${Date.now()}`,
  });
  return order.id;
}

/**
 * One order as the drill's customer sees it through the HTTP API (undefined on any HTTP error answer).
 * @deprecated use apiClient(…).get(id).catch(undefinedOnHttpError); kept for lambdas/consumers/consumers.it.test.ts.
 */
export function getOrder(api: string, tag: string, id: string): Promise<Order | undefined> {
  return apiClient(api, `drill-${tag}`).get(id).catch(undefinedOnHttpError);
}

/** Polls `probe` every `everyMs` until it returns a value, or undefined after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  return undefined;
}

/** Structured (JSON) lines of one function's log whose `message` is one of `messages`. */
export function functionLogLines(
  logText: string,
  messages: readonly string[],
): Array<Record<string, unknown> & { message: string }> {
  const lines: Array<Record<string, unknown> & { message: string }> = [];
  for (const line of logText.split('\n')) {
    const start = line.indexOf('{');
    if (start < 0) continue;
    try {
      const parsed = JSON.parse(line.slice(start)) as Record<string, unknown>;
      if (typeof parsed.message === 'string' && messages.includes(parsed.message))
        lines.push(parsed as Record<string, unknown> & { message: string });
    } catch {}
  }
  return lines;
}

/** Logical id of the schedule rule that invokes the function whose `holdline:entry` is `entry`. */
export function scheduleOf(template: CfnTemplate, entry: string): string {
  const [rule] = scheduleIdsOf(template, functionIdByEntry(template, entry));
  if (!rule) throw new Error(`no schedule targets ${entry}`);
  return rule;
}

/**
 * Starts one of the template's connectors on a drill cloud as the cloud starts it (its database, its emulators),
 * with its offsets under `dataDir`: a drill restarts one it killed, or starts one the cloud left off.
 */
export function startCloudConnector(
  cloud: LocalCloud,
  connector: DebeziumConnector,
  dataDir: string,
): Promise<DebeziumServer> {
  return startDebezium({
    template: cloud.template,
    provisioned: cloud.provisioned,
    connector,
    databaseUrl: cloud.database.cdc,
    access: cloud.aws,
    dataDir,
  });
}
