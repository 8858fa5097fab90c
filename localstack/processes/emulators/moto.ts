import { join } from 'node:path';
import { venvDir } from '../../lib/paths.ts';
import { type ManagedProcess, spawnLogged, waitUntil } from '../../lib/process.ts';

export interface RunningEmulator {
  readonly url: string;
  readonly process: ManagedProcess;
}

/** Starts moto in server mode (all services on one port) from the project venv that `npm run setup` creates. */
export async function startMoto(port: number, name = 'moto'): Promise<RunningEmulator> {
  const proc = spawnLogged(name, join(venvDir, 'bin', 'moto_server'), [
    '-H',
    '127.0.0.1',
    '-p',
    String(port),
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil('moto', proc.logFile, async () => (await fetch(`${url}/moto-api/`)).ok);
  return { url, process: proc };
}
