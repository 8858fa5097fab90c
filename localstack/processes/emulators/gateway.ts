import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { closeNow, listen } from '../../lib/http.ts';

/** Reads the AWS service a request is for: SigV4's credential scope, else the JSON protocol's target prefix. */
export function serviceOf(headers: IncomingMessage['headers']): string | undefined {
  const auth = headers.authorization ?? '';
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
  if (scope) return scope;
  const target = String(headers['x-amz-target'] ?? '');
  if (target.startsWith('AmazonSQS')) return 'sqs';
  if (target.startsWith('Kinesis_')) return 'kinesis';
  if (target.startsWith('DynamoDB_')) return 'dynamodb';
  return undefined;
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

/**
 * One AWS endpoint (`AWS_ENDPOINT_URL`) in front of several emulators: each request is streamed, unchanged,
 * to the emulator chosen for its service. Emulators do not verify signatures, so forwarding is transparent.
 */
export async function startGateway(
  port: number,
  backends: Record<string, string>,
  fallbackUrl: string,
): Promise<Gateway> {
  const server: Server = createServer((req, res) => {
    const service = serviceOf(req.headers);
    const target = new URL(req.url ?? '/', (service && backends[service]) || fallbackUrl);
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (res.destroyed) return;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`holdline gateway: ${service ?? 'unknown service'} emulator unreachable: ${error.message}`);
    });
    // A client that gives up (an SDK timeout while an emulator is frozen by a drill) closes its socket: close the
    // upstream one too. Otherwise every retry leaves a socket to the frozen emulator open until it thaws, and a
    // busy pipeline runs the gateway's process out of file descriptors.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 65_000;
  return {
    url: await listen(server, port),
    close: () => closeNow(server),
  };
}
