import { startLocalCloud } from './cloud/local-cloud.ts';
import { publishCloudRecord } from './cloud-record.ts';
import { captureSourceOptions, cloudSettings, mariaDbPortSetting } from './config.ts';

/**
 * The process that owns the local cloud for `npm run local:up`: starts everything, publishes its record
 * (`.holdline/cloud.json`), and on SIGTERM/SIGINT stops everything and removes the record.
 */
const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
const cloud = await startLocalCloud({
  ...cloudSettings(),
  changeRules: true,
  fresh: process.argv.includes('--fresh'),
  ...captureSourceOptions(
    process.argv.find((a) => a.startsWith('--source='))?.slice('--source='.length) ?? '',
    mariaDbPortSetting(),
  ),
  progress: log,
});
const record = publishCloudRecord(cloud);
log(`ready ${JSON.stringify(cloud.endpoints)}`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await cloud.stop();
  record.stop();
  log('stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
