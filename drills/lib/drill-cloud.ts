import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Order } from '../../lambdas/orders/order.ts';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../localstack/cloud.ts';
import { stateDir } from '../../localstack/lib/paths.ts';
import type { RunContext } from './context.ts';

export interface DrillCloud {
  cloud: LocalCloud;
  /** The drill's own directory (removed afterwards); put crash markers etc. under it. */
  dir: string;
}

/**
 * Runs `work` against a whole local cloud of its own (free ports, fresh Postgres, own state dir), then stops it,
 * puts back the caller's AWS_ENDPOINT_URL (vitest's emulators) and removes the directory.
 */
export async function withDrillCloud<T>(
  name: string,
  ctx: RunContext,
  options: (dir: string) => Pick<LocalCloudOptions, 'localEnv' | 'adjustTemplate' | 'cdc'>,
  work: (drill: DrillCloud) => Promise<T>,
): Promise<T> {
  const base = join(stateDir, 'drills', name);
  mkdirSync(base, { recursive: true });
  // Postgres runs as `holdline-pg` when we are root: it must be able to reach its data directory.
  chmodSync(base, 0o755);
  const dir = mkdtempSync(join(base, 'run-'));
  chmodSync(dir, 0o755);
  const callerEndpoint = process.env.AWS_ENDPOINT_URL;
  let cloud: LocalCloud | undefined;
  try {
    cloud = await startLocalCloud({
      stateDir: dir,
      logDir: join(dir, 'logs'),
      ports: { aws: 0, postgres: 0, api: 0 },
      fresh: true,
      progress: (line) => ctx.log(`  ${line}`),
      ...options(dir),
    });
    return await work({ cloud, dir });
  } finally {
    await cloud?.stop();
    if (callerEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = callerEndpoint;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Places one order through the HTTP API; returns its id. */
export async function placeOrder(
  api: string,
  tag: string,
  i: number,
  totalCents = 1000 + i,
): Promise<string> {
  const response = await fetch(`${api}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `${tag}-${i}-${Date.now()}` },
    body: JSON.stringify({
      customerId: `drill-${tag}`,
      currency: 'USD',
      items: [{ sku: `SKU-${i}`, quantity: 1, unitPriceCents: totalCents }],
    }),
  });
  if (response.status !== 201)
    throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

export async function getOrder(api: string, id: string): Promise<Order | undefined> {
  const response = await fetch(`${api}/orders/${id}`);
  return response.status === 200 ? ((await response.json()) as Order) : undefined;
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

/** The value of a stack output, or a clear error. */
export function output(cloud: LocalCloud, name: string): string {
  const value = cloud.provisioned.outputs[name];
  if (!value) throw new Error(`stack output ${name} is missing`);
  return value;
}

/** Logical id of the function whose `holdline:entry` is `entry`. */
export function functionIdByEntry(cloud: LocalCloud, entry: string): string {
  const found = Object.entries(cloud.template.Resources ?? {}).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['holdline:entry'] === entry,
  );
  if (!found) throw new Error(`no function with entry ${entry}`);
  return found[0];
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
