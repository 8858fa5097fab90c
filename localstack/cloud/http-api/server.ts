import { createServer, type Server } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { closeNow, listen } from '../../lib/http.ts';
import type { InvokeResult } from '../runtime/index.ts';
import { lambdaAuthorizer } from './authorizer.ts';
import { httpApiEvent } from './event.ts';
import { type HttpRoute, matchRoute } from './routes.ts';

/** API Gateway's own payload limit; the function applies its tighter one. */
const maxPayloadBytes = 10 * 1024 * 1024;

export interface LocalHttpApi {
  url: string;
  close(): Promise<void>;
}

function send(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Serves the template's HTTP API routes like API Gateway does: payload v2 events, one Lambda invocation per
 * request through the local runtime, `{"message":"Not Found"}` for no route, 500 when the function fails.
 */
export async function startHttpApi(
  port: number,
  routes: readonly HttpRoute[],
  invoke: (functionLogicalId: string, event: unknown) => Promise<InvokeResult>,
  onError: (message: string) => void = () => {},
): Promise<LocalHttpApi> {
  const authorize = lambdaAuthorizer(invoke);
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const matched = matchRoute(routes, req.method ?? 'GET', url.pathname);
    if (!matched) return send(res, 404, { message: 'Not Found' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxPayloadBytes) return send(res, 413, { message: 'Request Entity Too Large' });
      chunks.push(chunk as Buffer);
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [
        k.toLowerCase(),
        Array.isArray(v) ? v.join(',') : (v ?? ''),
      ]),
    );
    let event = httpApiEvent(
      {
        method: req.method ?? 'GET',
        url,
        headers,
        body: Buffer.concat(chunks),
        sourceIp: req.socket.remoteAddress ?? '',
      },
      matched.route.routeKey,
      matched.pathParameters,
    );
    if (matched.route.authorizer) {
      const outcome = await authorize(matched.route.authorizer, event);
      if (outcome.kind === 'deny') return send(res, outcome.status, outcome.body);
      event = outcome.event;
    }
    const result = await invoke(matched.route.functionLogicalId, event);
    if (!result.ok) {
      onError(
        `${matched.route.routeKey}: ${result.failure} ${result.error.errorType}: ${result.error.errorMessage}`,
      );
      return send(res, 500, { message: 'Internal Server Error' });
    }
    const payload = result.payload as APIGatewayProxyStructuredResultV2 | undefined;
    const body = payload?.body ?? '';
    res
      .writeHead(payload?.statusCode ?? 200, payload?.headers as Record<string, string>)
      .end(payload?.isBase64Encoded ? Buffer.from(body, 'base64') : body);
  });
  return {
    url: await listen(server, port),
    close: () => closeNow(server),
  };
}
