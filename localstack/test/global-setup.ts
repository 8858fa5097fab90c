import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { localAccess } from '../cloud/local-cloud.ts';
import { stateDir } from '../lib/paths.ts';
import { freePort } from '../lib/process.ts';
import { startEmulators } from '../processes/emulators/start.ts';
import { prepareDatabase } from '../processes/postgres/database.ts';
import { startPostgres } from '../processes/postgres/server.ts';
import { defaultPostgresSettings } from '../processes/postgres/settings.ts';

/**
 * Starts what integration tests (`*.it.test.ts`) talk to — a real Postgres and the same emulators behind the same
 * gateway as `npm run demo` — once for the run, on free ports, in a throwaway data directory, and passes their
 * addresses to the test workers with `provide` (`worker-env.ts` puts them in each worker's environment at its
 * start-up, where the product's own clients read them). Tests that need the Lambdas start the rest with
 * `startLocalCloud({ external })`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(stateDir, 'test-'));
  chmodSync(dir, 0o755);
  const [pgResult, awsResult] = await Promise.allSettled([
    freePort().then((port) =>
      startPostgres(join(dir, 'pg', 'data'), port, defaultPostgresSettings, { name: 'test-postgres' }),
    ),
    freePort().then((port) => startEmulators(port, 'test-emulator')),
  ]);
  if (pgResult.status === 'rejected' || awsResult.status === 'rejected') {
    // Stop whichever did start, so a failed start leaves no process behind.
    if (pgResult.status === 'fulfilled') await pgResult.value.stop();
    if (awsResult.status === 'fulfilled') await awsResult.value.stop();
    throw pgResult.status === 'rejected' ? pgResult.reason : (awsResult as PromiseRejectedResult).reason;
  }
  const [postgres, aws] = [pgResult.value, awsResult.value];
  const urls = await prepareDatabase(postgres.adminUrl);
  project.provide('aws', localAccess(aws.url));
  project.provide('databaseEnv', {
    DATABASE_URL: urls.app,
    HOLDLINE_SERVER_ADMIN_URL: postgres.adminUrl,
    HOLDLINE_ADMIN_DATABASE_URL: urls.admin,
    HOLDLINE_CDC_DATABASE_URL: urls.cdc,
    // The other logins of sql/roles.ts, for tests that act as the Lambda that uses them.
    HOLDLINE_CONSUMER_DATABASE_URL: urls.consumer,
    HOLDLINE_MONITOR_DATABASE_URL: urls.monitor,
    HOLDLINE_REAPER_DATABASE_URL: urls.reaper,
  });
  return async () => {
    await Promise.all([postgres.stop(), aws.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
}
