import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { closeNow, listen } from '../../lib/http.ts';
import { repoRoot } from '../../lib/paths.ts';
import { devToken } from '../auth/dev-token.ts';
import { webDist } from './build.ts';

/** Paths CloudFront sends to the HTTP API origin in AWS (cdk/lib/constructs/web-hosting.ts); the rest is S3. */
export const apiPathPatterns = [/^\/orders(\/|$)/, /^\/oncall\//];

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
};

export interface LocalWeb {
  url: string;
  close(): Promise<void>;
}

function send(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: import('node:http').IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

/**
 * The UI locally, shaped like CloudFront in AWS: web/dist at the root, the API's paths forwarded to the local
 * HTTP API (same origin, so no CORS), and the runbooks under /docs/runbooks/. Plus `POST /auth/dev-login`,
 * LOCAL ONLY: it signs a token for whatever customer id (and role) it is given — in AWS, sign-in is Cognito's.
 */
export async function startWeb(port: number, apiUrl: string): Promise<LocalWeb> {
  const api = new URL(apiUrl);
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (apiPathPatterns.some((p) => p.test(url.pathname))) {
        const upstream = httpRequest(
          {
            host: api.hostname,
            port: api.port,
            method: req.method,
            path: `${url.pathname}${url.search}`,
            headers: { ...req.headers, host: api.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => send(res, 502, { message: 'Bad Gateway' }));
        req.pipe(upstream);
        return;
      }
      if (url.pathname === '/auth/dev-login' && req.method === 'POST') {
        const body = await readJson(req);
        const customerId = String(body.customerId ?? '').trim();
        const role = body.role === 'oncall' ? 'oncall' : 'customer';
        if (!/^[\w.@-]{1,128}$/.test(customerId))
          return send(res, 400, {
            error: { code: 'invalid_customer', message: 'customerId: 1-128 of [A-Za-z0-9_.@-]' },
          });
        return send(res, 200, { token: await devToken(customerId, role), customerId, role, localOnly: true });
      }
      if (url.pathname.startsWith('/docs/runbooks/') && url.pathname.endsWith('.md')) {
        const file = join(repoRoot, normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
        if (file.startsWith(join(repoRoot, 'docs', 'runbooks')) && existsSync(file)) {
          res.writeHead(200, { 'content-type': types['.md']! }).end(readFileSync(file));
        } else {
          res
            .writeHead(404, { 'content-type': 'text/plain' })
            .end(`runbook ${url.pathname} is not written yet\n`);
        }
        return;
      }
      const asset = join(webDist, normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
      const file =
        asset.startsWith(webDist) && existsSync(asset) && statSync(asset).isFile()
          ? asset
          : join(webDist, 'index.html');
      res
        .writeHead(200, {
          'content-type': types[extname(file)] ?? 'application/octet-stream',
          'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
        })
        .end(readFileSync(file));
    } catch (error) {
      send(res, 500, { message: (error as Error).message });
    }
  });
  return { url: await listen(server, port), close: () => closeNow(server) };
}
