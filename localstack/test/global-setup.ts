import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startMoto } from '../emulators/moto.ts';
import { stateDir } from '../lib/paths.ts';
import { freePort } from '../lib/process.ts';
import { prepareDatabase } from '../postgres/database.ts';
import { startPostgres } from '../postgres/server.ts';
import { defaultPostgresSettings } from '../postgres/settings.ts';

/**
 * Starts what integration tests (`*.it.test.ts`) talk to — a real Postgres and the AWS emulator — once for the
 * run, on free ports, in a throwaway data directory, and passes their addresses through the environment.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(stateDir, 'test-'));
  const [pgPort, awsPort] = [await freePort(), await freePort()];
  const started = await Promise.allSettled([
    startPostgres(join(dir, 'pg', 'data'), pgPort, defaultPostgresSettings, { name: 'postgres-test' }),
    startMoto(awsPort, 'moto-test'),
  ]);
  const [pgResult, motoResult] = started;
  if (pgResult.status === 'rejected' || motoResult.status === 'rejected') {
    // Stop whichever did start, so a failed start leaves no process behind.
    if (pgResult.status === 'fulfilled') await pgResult.value.stop();
    if (motoResult.status === 'fulfilled') await motoResult.value.process.stop();
    throw pgResult.status === 'rejected' ? pgResult.reason : (motoResult as PromiseRejectedResult).reason;
  }
  const [postgres, moto] = [pgResult.value, motoResult.value];
  const urls = await prepareDatabase(postgres.adminUrl);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.url,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    DATABASE_URL: urls.app,
    HOLDLINE_ADMIN_DATABASE_URL: urls.admin,
    HOLDLINE_CDC_DATABASE_URL: urls.cdc,
  });
  return async () => {
    await Promise.all([postgres.stop(), moto.process.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
}
