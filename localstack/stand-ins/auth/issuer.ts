import { createServer } from 'node:http';
import { publicJwks } from '../../../lambdas/auth/signing-key.ts';
import { closeNow, listen } from '../../lib/http.ts';
import { devKeys } from './dev-keys.ts';

export interface TokenIssuer {
  url: string;
  /** What the authorizer is given as `TOKEN_JWKS_URL`. */
  jwksUrl: string;
  close(): Promise<void>;
}

/** The path an issuer publishes its public keys at (RFC 8414's well-known JWKS location, as Cognito uses). */
export const jwksPath = '/.well-known/jwks.json';

/**
 * STAND-IN for the token issuer the API trusts in AWS: serves the public half of the local keys (dev-keys.ts) at
 * `/.well-known/jwks.json`; tokens are signed in-process by dev-token.ts with the private half.
 */
export async function startTokenIssuer(port: number): Promise<TokenIssuer> {
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url !== jwksPath) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    try {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(publicJwks(await devKeys())));
    } catch (error) {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: String(error) }));
    }
  });
  const url = await listen(server, port);
  return { url, jwksUrl: `${url}${jwksPath}`, close: () => closeNow(server) };
}
