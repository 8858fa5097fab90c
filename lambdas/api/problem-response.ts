import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpProblem } from './http-problem.ts';

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  } satisfies APIGatewayProxyStructuredResultV2;
}

/**
 * The one place errors become responses: an HttpProblem is exposed with its code and reason; anything else is a
 * generic 500 (logged, never leaked).
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
      log('unhandled error', error);
      request.response = jsonResponse(500, { error: { code: 'internal', message: 'internal error' } });
    },
  };
}
