import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A minimal API Gateway HTTP API (v2) event for handler tests. */
export function httpEvent(
  routeKey: string,
  init: {
    body?: string;
    headers?: Record<string, string>;
    pathParameters?: Record<string, string>;
    /** The Lambda authorizer's context (`requestContext.authorizer.lambda`); omit for an unauthenticated call. */
    identity?: { customerId: string; role: 'customer' | 'oncall' };
  } = {},
): APIGatewayProxyEventV2 {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.pathParameters ? { pathParameters: init.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'r',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
      ...(init.identity ? { authorizer: { lambda: init.identity } } : {}),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
    isBase64Encoded: false,
  };
}
