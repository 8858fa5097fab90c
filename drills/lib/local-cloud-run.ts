import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devAuthHeaders } from '../../localstack/auth/dev-token.ts';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../localstack/cloud.ts';
import { stateDir } from '../../localstack/lib/paths.ts';
import type { CfnTemplate } from '../../localstack/provision/index.ts';
import type { RunContext } from './context.ts';

/**
 * A whole local cloud on free ports in a throwaway state directory, for one drill: `work` runs against it, then
 * everything stops and the caller's AWS_ENDPOINT_URL (vitest's emulators) is put back.
 */
export async function withLocalCloud<T>(
  ctx: RunContext,
  name: string,
  options: Pick<LocalCloudOptions, 'localEnv' | 'scheduleOverrides'>,
  work: (cloud: LocalCloud) => Promise<T>,
): Promise<T> {
  const base = join(stateDir, 'drills', name);
  mkdirSync(base, { recursive: true });
  // Postgres runs as `holdline-pg` when we are root: it must be able to reach its data directory.
  chmodSync(base, 0o755);
  const dir = mkdtempSync(join(base, 'run-'));
  chmodSync(dir, 0o755);
  const callerEndpoint = process.env.AWS_ENDPOINT_URL;
  const cloud = await startLocalCloud({
    stateDir: dir,
    logDir: join(dir, 'logs'),
    ports: { aws: 0, postgres: 0, api: 0, web: 0 },
    fresh: true,
    progress: (line) => ctx.log(`  ${line}`),
    ...options,
  });
  try {
    return await work(cloud);
  } finally {
    await cloud.stop();
    if (callerEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = callerEndpoint;
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ApiOrder {
  id: string;
  customerId: string;
  status: string;
  version: number;
  totalCents: number;
  createdAt: string;
  updatedAt: string;
}

/** The order API as one customer (a dev token from the local signing key). */
export async function customerApi(apiUrl: string, customerId: string) {
  const auth = await devAuthHeaders(customerId);
  const json = async <T>(response: Response): Promise<T> => {
    if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    place: async (unitPriceCents: number, idempotencyKey?: string) =>
      json<ApiOrder>(
        await fetch(`${apiUrl}/orders`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...auth,
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          },
          body: JSON.stringify({ currency: 'USD', items: [{ sku: 'DRILL-1', quantity: 1, unitPriceCents }] }),
        }),
      ),
    get: async (id: string) => json<ApiOrder>(await fetch(`${apiUrl}/orders/${id}`, { headers: auth })),
    list: async () => json<{ orders: ApiOrder[] }>(await fetch(`${apiUrl}/orders`, { headers: auth })),
  };
}

/** Polls `check` until it returns a value (not undefined) or the time is up (then undefined). */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  return undefined;
}

/** Logical id of the schedule rule whose target is the function with `holdline:entry` = `entry`. */
export function scheduleOf(template: CfnTemplate, entry: string): string {
  const resources = template.Resources ?? {};
  const fn = Object.entries(resources).find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' &&
      (r.Metadata as Record<string, unknown>)?.['holdline:entry'] === entry,
  )?.[0];
  const rule = Object.entries(resources).find(
    ([, r]) =>
      r.Type === 'AWS::Events::Rule' &&
      fn !== undefined &&
      JSON.stringify(r.Properties?.Targets).includes(fn),
  )?.[0];
  if (!rule) throw new Error(`no schedule targets ${entry}`);
  return rule;
}
