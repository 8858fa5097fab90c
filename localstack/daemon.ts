import { rmSync, writeFileSync } from 'node:fs';
import { startLocalCloud } from './cloud/local-cloud.ts';
import { cloudFile, cloudSettings } from './config.ts';

/**
 * The process that owns the local cloud for `npm run local:up`: starts everything, records pid, children and
 * endpoints in `.holdline/cloud.json`, and on SIGTERM/SIGINT stops everything and removes the file.
 */
const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
const cloud = await startLocalCloud({
  ...cloudSettings(),
  fresh: process.argv.includes('--fresh'),
  progress: log,
});
const record = () =>
  writeFileSync(
    cloudFile,
    JSON.stringify({
      pid: process.pid,
      children: cloud.pids(),
      endpoints: cloud.endpoints,
      // The stack outputs (queue URLs, …) for tools such as `npm run dlq`.
      outputs: cloud.provisioned.outputs,
    }),
  );
record();
const refresh = setInterval(record, 2000); // worker pids change when a container crashes and restarts
log(`ready ${JSON.stringify(cloud.endpoints)}`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  clearInterval(refresh);
  log(`${signal}: stopping`);
  await cloud.stop();
  rmSync(cloudFile, { force: true });
  log('stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
