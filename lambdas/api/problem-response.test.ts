import type { Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { badRequest } from './http-problem.ts';
import { problemResponse, UNAVAILABLE_RETRY_AFTER_SECONDS } from './problem-response.ts';

/** The response problemResponse makes of `error`, and what it logged. */
async function respond(error: unknown) {
  const logged: string[] = [];
  const middleware = problemResponse((message) => logged.push(message));
  const request = { error, response: undefined } as unknown as Request<
    APIGatewayProxyEventV2,
    APIGatewayProxyStructuredResultV2
  >;
  await middleware.onError?.(request);
  const response = request.response as APIGatewayProxyStructuredResultV2;
  return { response, body: JSON.parse(String(response.body)), logged };
}

describe('problem responses', () => {
  it('exposes a client error with its code and reason', async () => {
    const { response, body, logged } = await respond(badRequest('invalid_body', 'items: required'));
    expect(response.statusCode).toBe(400);
    expect(body).toEqual({ error: { code: 'invalid_body', message: 'items: required' } });
    expect(logged).toEqual([]);
  });

  it('answers a database outage with 503 and Retry-After, so the client comes back with the same key', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { response, body, logged } = await respond(
      new Error('placing the order failed', { cause: refused }),
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
    expect(body.error.code).toBe('unavailable');
    expect(logged).toEqual(['dependency unavailable']);
  });

  it('answers anything else with a generic 500 that leaks nothing', async () => {
    const { response, body } = await respond(new TypeError('secret detail'));
    expect(response.statusCode).toBe(500);
    expect(body).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });
});
