import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { httpEvent } from '../test/http-event.ts';
import { handler, onCallRoute } from './handler.ts';

const call = (event: ReturnType<typeof httpEvent>) => handler(event, {} as Context);

describe('GET /oncall/gauges', () => {
  it('refuses a customer token with 403', async () => {
    const response = await call(
      httpEvent('GET /oncall/gauges', { identity: { customerId: 'c-1', role: 'customer' } }),
    );
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body ?? '{}').error.code).toBe('forbidden');
  });

  it('refuses a request without authorizer context with 401', async () => {
    expect((await call(httpEvent('GET /oncall/gauges'))).statusCode).toBe(401);
  });

  it('answers the on-call role with the gauges', async () => {
    const response = await onCallRoute(
      httpEvent('GET /oncall/gauges', { identity: { customerId: 'oncall-1', role: 'oncall' } }),
      async () => ({ range: { from: 'a', to: 'b', periodSeconds: 60 }, gauges: [] }),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ gauges: [], range: { periodSeconds: 60 } });
  });
});
