import { join } from 'node:path';
import type { PrivateJwk } from '../../../lambdas/auth/signing-key.ts';
import { ensureKeyFile } from '../../../tools/auth/key-file.ts';
import { stateDir } from '../../lib/paths.ts';

/**
 * LOCAL ONLY. The local issuer's key file: an ES256 key pair generated on first use and kept in the clone's state
 * directory (git-ignored), so tokens signed by one process (a test, a drill, the web UI's dev login, `npm run
 * sign-token`) verify in every local cloud of this clone. In AWS the issuer keeps its keys; the stack has none.
 */
export const devKeyFile = join(stateDir, 'auth', 'token-keys.json');

/** The local issuer's keys, read afresh each time: `npm run token-keys -- <file> rotate` shows at once. */
export function devKeys(): Promise<PrivateJwk[]> {
  return ensureKeyFile(devKeyFile);
}
