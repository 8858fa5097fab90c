import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isDependencyUnavailable } from '../shared/dependency-failure.ts';
import { HttpProblem } from './http-problem.ts';

/**
 * Retry-After of a 503 while the order store is unavailable. 5 s: a database restart or Multi-AZ failover takes
 * 30–120 s, so a client (web/src/retry-policy.ts) tries a dozen times or more, not hundreds.
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  } satisfies APIGatewayProxyStructuredResultV2;
}

/**
 * The one place errors become responses: an HttpProblem is exposed with its code and reason; a dependency outage
 * (the database refusing, timing out, restarting) is a 503 with Retry-After, which tells the client to come back
 * with the same Idempotency-Key; anything else is a generic 500 (logged, never leaked).
 */
export function problemResponse(
  log: (message: string, error: unknown) => void = (message, error) => console.error(message, error),
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof HttpProblem) {
        request.response = jsonResponse(error.statusCode, {
          error: {
            code: error.code,
            message: error.message,
            ...(error.details ? { details: error.details } : {}),
          },
        });
        return;
      }
      if (isDependencyUnavailable(error)) {
        log('dependency unavailable', error);
        request.response = jsonResponse(
          503,
          {
            error: {
              code: 'unavailable',
              message: 'the order service is briefly unavailable; retry with the same Idempotency-Key',
            },
          },
          { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
        );
        return;
      }
      log('unhandled error', error);
      request.response = jsonResponse(500, { error: { code: 'internal', message: 'internal error' } });
    },
  };
}
