import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { mariaDbBinaries } from '../../localstack/processes/mariadb/binaries.ts';
import type { MariaDbLogin } from '../../localstack/processes/mariadb/client.ts';
import type { ProbeWrite } from '../kit/write-freeze.ts';

/** The probe's captured row: its `version` is the probe's sequence number, so the reader can match each change. */
export const PROBE_ORDER_ID = 'ffffffff-ffff-7fff-bfff-ffffffffffff';

/**
 * Every `intervalMs`, one transaction: an INSERT into `probe_writes` (not captured) and an UPDATE of the probe order
 * (captured), over ONE long-lived `mariadb` client session; the next write waits for the last acknowledgment, so a
 * lock shows as one long write, never as a queue. A session of its own: a client process per write would measure
 * process start-up, not the server.
 */
export function startProbe(login: MariaDbLogin, runId: number, intervalMs = 10) {
  const child = spawn(
    mariaDbBinaries().client,
    [
      '--protocol=TCP',
      '--host=127.0.0.1',
      `--port=${login.port}`,
      `--user=${login.user}`,
      `--database=${login.database ?? ''}`,
      '--batch',
      '--raw',
      '--skip-column-names',
      '--unbuffered',
    ],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MYSQL_PWD: login.password },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const writes: ProbeWrite[] = [];
  const errors: string[] = [];
  let waiting: (() => void) | undefined;
  let running = true;
  // The client exits on the first SQL error: record it and stop, never wait for an acknowledgment that cannot come.
  child.once('close', (code) => {
    if (running) errors.push(`probe session ended (exit ${code})`);
    running = false;
    waiting?.();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const write = writes[Number(line) - 1];
    if (write && write.ackAt === undefined) write.ackAt = Date.now();
    waiting?.();
  });
  createInterface({ input: child.stderr }).on('line', (line) => errors.push(line));
  const loop = (async () => {
    for (let seq = 1; running; seq++) {
      const write: ProbeWrite = { seq, sentAt: Date.now() };
      writes.push(write);
      const acked = new Promise<void>((resolve) => {
        waiting = resolve;
      });
      child.stdin.write(
        `START TRANSACTION; INSERT INTO probe_writes (probe, seq) VALUES (${runId}, ${seq}); ` +
          `UPDATE orders SET version = ${seq} WHERE id = '${PROBE_ORDER_ID}'; COMMIT; SELECT ${seq};\n`,
      );
      await acked;
      await sleep(Math.max(0, write.sentAt + intervalMs - Date.now()));
    }
  })();
  return {
    writes,
    errors,
    async stop(): Promise<ProbeWrite[]> {
      const wasRunning = running;
      running = false;
      await loop;
      if (wasRunning) {
        const closed = new Promise((resolve) => child.once('close', resolve));
        child.stdin.end();
        await closed;
      }
      return writes;
    },
  };
}

/** The probe's uncaptured table (its captured row is an order, written by fillMariaDbOrders). */
export const PROBE_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS probe_writes (
  probe INT NOT NULL,
  seq BIGINT NOT NULL,
  at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (probe, seq)
) ENGINE=InnoDB`;
