import { describe, expect, it } from 'vitest';
import { httpEvent } from '../../../lambdas/test/http-event.ts';
import type { InvokeResult } from '../runtime/index.ts';
import { type LocalAuthorizer, lambdaAuthorizer } from './authorizer.ts';

const authorizer: LocalAuthorizer = {
  logicalId: 'Auth',
  functionLogicalId: 'AuthFn',
  identitySource: ['$request.header.Authorization'],
  ttlSeconds: 300,
};

/** A fake local runtime: the authorizer allows "Bearer good" with a context, denies anything else. */
function runtime() {
  const calls: unknown[] = [];
  const invoke = async (_id: string, event: unknown): Promise<InvokeResult> => {
    calls.push(event);
    const allowed = (event as { identitySource: string[] }).identitySource[0] === 'Bearer good';
    return {
      ok: true,
      payload: allowed
        ? { isAuthorized: true, context: { customerId: 'c-1', role: 'customer' } }
        : { isAuthorized: false },
    } as InvokeResult;
  };
  return { calls, authorize: lambdaAuthorizer(invoke) };
}

const request = (authorization?: string) =>
  httpEvent('GET /orders', authorization ? { headers: { authorization } } : {});

describe('the local Lambda authorizer (API Gateway HTTP API semantics)', () => {
  it('answers 401 without invoking the authorizer when the identity source is missing', async () => {
    const { calls, authorize } = runtime();
    expect(await authorize(authorizer, request())).toEqual({
      kind: 'deny',
      status: 401,
      body: { message: 'Unauthorized' },
    });
    expect(calls).toHaveLength(0);
  });

  it('answers 403 when the authorizer says no', async () => {
    const { authorize } = runtime();
    expect(await authorize(authorizer, request('Bearer forged'))).toMatchObject({
      kind: 'deny',
      status: 403,
    });
  });

  it('hands the context to the integration as requestContext.authorizer.lambda', async () => {
    const { authorize } = runtime();
    const outcome = await authorize(authorizer, request('Bearer good'));
    expect(outcome.kind).toBe('allow');
    if (outcome.kind === 'allow')
      expect((outcome.event.requestContext as { authorizer?: unknown }).authorizer).toEqual({
        lambda: { customerId: 'c-1', role: 'customer' },
      });
  });

  it('caches a verdict per identity-source value for the TTL', async () => {
    const { calls, authorize } = runtime();
    await authorize(authorizer, request('Bearer good'));
    await authorize(authorizer, request('Bearer good'));
    await authorize(authorizer, request('Bearer forged'));
    expect(calls).toHaveLength(2);
  });
});
