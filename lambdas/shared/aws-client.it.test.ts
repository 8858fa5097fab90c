import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awsCallBoundMs, boundedAwsClient } from './aws-client.ts';

// A test double of a frozen endpoint: it accepts the connection and the request, and never answers.
const held: ServerResponse[] = [];
const frozen = createServer((_req, res) => void held.push(res));
beforeAll(() => new Promise<void>((resolve) => frozen.listen(0, '127.0.0.1', resolve)));
afterAll(() => {
  for (const res of held) res.destroy();
  frozen.close();
});

it('ends a call to an endpoint that never answers within the bound, with a timeout error', async () => {
  const client = new DynamoDBClient({
    ...boundedAwsClient,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    endpoint: `http://127.0.0.1:${(frozen.address() as AddressInfo).port}`,
  });
  const started = Date.now();
  const outcome = await Promise.race([
    client.send(new ListTablesCommand({})).then(
      () => 'answered',
      (error: Error) => error.name,
    ),
    new Promise((resolve) => setTimeout(() => resolve('still hanging'), awsCallBoundMs + 2_000)),
  ]);
  client.destroy();
  expect(outcome).toBe('TimeoutError');
  expect(Date.now() - started).toBeLessThanOrEqual(awsCallBoundMs);
  // Every attempt reached the endpoint: the SDK's retry ran inside the bound too.
  expect(held.length).toBe(boundedAwsClient.maxAttempts);
});
