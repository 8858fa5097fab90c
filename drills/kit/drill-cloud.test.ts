import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { silentContext } from './context.ts';
import { keepLogs, keptLogsDir } from './drill-cloud.ts';

const name = 'keep-logs-unit-test';
afterEach(() => rmSync(keptLogsDir(name), { recursive: true, force: true }));

function runLogs(file: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'drill-run-')), 'logs');
  mkdirSync(dir);
  writeFileSync(join(dir, file), 'api error: …\n');
  return dir;
}

it("keeps a run's logs beside its report, replacing the previous run's, and says where", () => {
  const ctx = silentContext();
  keepLogs(runLogs('first.log'), name, ctx);
  const second = runLogs('second.log');
  keepLogs(second, name, ctx);
  expect(readdirSync(keptLogsDir(name))).toEqual(['second.log']);
  expect(existsSync(second)).toBe(false);
  expect(ctx.lines.at(-1)).toContain(keptLogsDir(name));
});

it('does nothing for a run that never got as far as writing logs', () => {
  keepLogs(join(tmpdir(), 'no-such-run', 'logs'), name, silentContext());
  expect(existsSync(keptLogsDir(name))).toBe(false);
});
