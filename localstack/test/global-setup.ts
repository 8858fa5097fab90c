import { startMoto } from '../emulators/moto.ts';
import { freePort } from '../lib/process.ts';

// Placeholder until the local cloud lands: a moto on a free port for integration tests.
export default async function setup(): Promise<() => Promise<void>> {
  const moto = await startMoto(await freePort(), 'moto-test');
  process.env.AWS_ENDPOINT_URL = moto.url;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  return () => moto.process.stop();
}
