import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface IncomingHttp {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string;
}

const textTypes = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

/** The payload-format 2.0 event API Gateway's HTTP API sends a Lambda integration. */
export function httpApiEvent(
  request: IncomingHttp,
  routeKey: string,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 {
  const now = new Date();
  const isText = request.body.length === 0 || textTypes.test(request.headers['content-type'] ?? '');
  const query = Object.fromEntries(request.url.searchParams);
  return {
    version: '2.0',
    routeKey,
    rawPath: request.url.pathname,
    rawQueryString: request.url.search.replace(/^\?/, ''),
    headers: request.headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: request.headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method,
        path: request.url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body.length
      ? {
          body: isText ? request.body.toString('utf8') : request.body.toString('base64'),
          isBase64Encoded: !isText,
        }
      : { isBase64Encoded: false }),
  };
}
