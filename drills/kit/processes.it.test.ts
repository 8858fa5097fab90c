import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { childPids, stopChildren } from './processes.ts';

it('stops every child this process started, detached ones (own process group) and their children too', async () => {
  // A detached shell with a child of its own, as spawnLogged starts an emulator behind a wrapper script.
  const wrapper = spawn('sh', ['-c', 'sleep 60 & wait'], { detached: true, stdio: 'ignore' });
  const plain = spawn('sleep', ['60'], { stdio: 'ignore' });
  const exited = (child: typeof wrapper) =>
    new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const ended = Promise.all([exited(wrapper), exited(plain)]);
  expect(childPids()).toEqual(expect.arrayContaining([wrapper.pid, plain.pid]));
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Members of the wrapper's process group still running (this machine's init may leave zombies unreaped).
  const groupChild = () =>
    readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .some((e) => {
        try {
          const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
          const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return Number(pgrp) === wrapper.pid && state !== 'Z';
        } catch {
          return false;
        }
      });
  expect(groupChild()).toBe(true);
  expect(await stopChildren(2_000)).toBeGreaterThanOrEqual(2);
  expect(await ended).toEqual(['SIGTERM', 'SIGTERM']);
  expect(childPids()).not.toContain(wrapper.pid);
  // The wrapper's own child (sleep) went with its group.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(groupChild()).toBe(false);
});
