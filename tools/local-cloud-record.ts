import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * How tools find a running local cloud (`npm run demo` or `npm run local:up`): the process that owns it writes this
 * record, and removes it when it stops. Defined here, by the tools that read it, so no tool imports the local
 * cloud's code.
 */
export const localCloudRecordSchema = z.object({
  /** The process that owns the cloud; a record whose owner is gone is stale. */
  pid: z.number().int(),
  /** Every process the cloud started (for `local:down` to verify nothing is left). */
  children: z.array(z.number().int()),
  endpoints: z.record(z.string(), z.string()),
  aws: z.object({
    endpoint: z.string().optional(),
    region: z.string(),
    credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }).optional(),
  }),
  /** The stack outputs (queue URLs, table names). */
  outputs: z.record(z.string(), z.string()),
});
export type LocalCloudRecord = z.infer<typeof localCloudRecordSchema>;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `.holdline/cloud.json` of this clone, or under `HOLDLINE_STATE_DIR`. */
export const localCloudRecordFile = (env: NodeJS.ProcessEnv = process.env) =>
  join(env.HOLDLINE_STATE_DIR ?? join(repoRoot, '.holdline'), 'cloud.json');

/** Whether a process with this pid is running (signal 0 checks without sending). */
export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The running cloud's record, or undefined when none runs (no file, or its owner is gone). */
export function readLocalCloudRecord(file = localCloudRecordFile()): LocalCloudRecord | undefined {
  if (!existsSync(file)) return undefined;
  const record = localCloudRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return isAlive(record.pid) ? record : undefined;
}

export function writeLocalCloudRecord(record: LocalCloudRecord, file = localCloudRecordFile()): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(localCloudRecordSchema.parse(record)));
}

export function removeLocalCloudRecord(file = localCloudRecordFile()): void {
  rmSync(file, { force: true });
}
