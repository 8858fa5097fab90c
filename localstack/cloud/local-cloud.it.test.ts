import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPrivateJwk, signingKeyOf } from '../../lambdas/auth/signing-key.ts';
import { signToken } from '../../lambdas/auth/token.ts';
import { countRows } from '../../lambdas/test/db.ts';
import { logDir, stateDir } from '../lib/paths.ts';
import { devAuthHeaders } from '../stand-ins/auth/dev-token.ts';
import { testAws, testClientConfig } from '../test/fixtures/aws.ts';
import { httpRoutes } from './http-api/routes.ts';
import { type LocalCloud, startLocalCloud } from './local-cloud.ts';

// The whole local cloud as `npm run demo` builds it, on the emulators and Postgres the global setup started.
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({
    stateDir: `${stateDir}/test-cloud`,
    logDir,
    ports: { aws: 0, postgres: 0, api: 0 },
    external: {
      aws: testAws(),
      databaseUrl: process.env.HOLDLINE_SERVER_ADMIN_URL,
    },
  });
});
afterAll(async () => {
  await cloud?.stop();
});

describe('local cloud', () => {
  it('provisions the FIFO queues and their redrive from the synthesized template', async () => {
    const sqs = new SQSClient(testClientConfig());
    for (const consumer of ['Payment', 'Inventory', 'Notification']) {
      const queueUrl = cloud.provisioned.outputs[`${consumer}QueueUrl`]!;
      const dlqUrl = cloud.provisioned.outputs[`${consumer}DlqUrl`]!;
      const { Attributes: queue } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
      );
      const { Attributes: dlq } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['All'] }),
      );
      expect(queue?.FifoQueue).toBe('true');
      expect(queue?.ContentBasedDeduplication).toBe('false');
      expect(dlq?.FifoQueue).toBe('true');
      const template = cloud.template.Resources as Record<
        string,
        { Type: string; Properties?: { RedrivePolicy?: { maxReceiveCount: number } } }
      >;
      const declared = Object.values(template).find(
        (r) => r.Type === 'AWS::SQS::Queue' && r.Properties?.RedrivePolicy,
      )?.Properties?.RedrivePolicy?.maxReceiveCount;
      expect(JSON.parse(queue!.RedrivePolicy!)).toEqual({
        deadLetterTargetArn: dlq?.QueueArn,
        maxReceiveCount: declared,
      });
    }
  });

  it('serves the order API through the local Lambda runtime', async () => {
    const auth = await devAuthHeaders('c-cloud');
    const post = await fetch(`${cloud.endpoints.api}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({
        customerId: 'c-cloud',
        currency: 'USD',
        items: [{ sku: 'A-1', quantity: 1, unitPriceCents: 500 }],
      }),
    });
    expect(post.status).toBe(201);
    const order = (await post.json()) as { id: string };
    const get = await fetch(`${cloud.endpoints.api}/orders/${order.id}`, { headers: auth });
    expect(((await get.json()) as { id: string }).id).toBe(order.id);
    // Both requests went through the function the template's routes name, in the local runtime.
    const apiFunction = httpRoutes(cloud.template)[0]!.functionLogicalId;
    expect(cloud.runtime.stats().functions[apiFunction]?.invocations).toBeGreaterThanOrEqual(2);
  });

  it('answers a bad body with a 4xx reason and writes nothing, and an unknown route with 404', async () => {
    // This cloud's consumers settle other tests' orders meanwhile: count only what the request could write.
    const before = await countRows('c-bad-body');
    const bad = await fetch(`${cloud.endpoints.api}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await devAuthHeaders('c-bad-body')) },
      body: '{"customerId":"c-bad-body","currency":"USD","items":[]}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    expect(await countRows('c-bad-body')).toEqual(before);
    expect((await fetch(`${cloud.endpoints.api}/nope`)).status).toBe(404);
  });

  it("runs the template's Lambda authorizer like API Gateway: 401 without a token, 403 with a bad one", async () => {
    const url = `${cloud.endpoints.api}/orders`;
    expect((await fetch(url)).status).toBe(401);
    const forged = await fetch(url, { headers: { authorization: 'Bearer not.a.token' } });
    expect([forged.status, await forged.json()]).toEqual([403, { message: 'Forbidden' }]);
    // Well formed, but signed by a key the local issuer never published.
    const stranger = await signToken(await signingKeyOf(await newPrivateJwk()), {
      customerId: 'c-cloud',
      role: 'customer',
    });
    expect((await fetch(url, { headers: { authorization: `Bearer ${stranger}` } })).status).toBe(403);
    const mine = await fetch(url, { headers: await devAuthHeaders('c-cloud') });
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { consistency: string }).consistency).toBe('eventual');
  });
});
