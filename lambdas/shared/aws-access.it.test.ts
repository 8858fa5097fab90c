import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awsAccessEnv } from './aws-access.ts';

// Two test doubles of an AWS endpoint that only record which one a call reached: the shared one and DynamoDB's own.
const reached: string[] = [];
const endpoint = (name: string): Server =>
  createServer((_req, res) => {
    reached.push(name);
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}');
  });
const shared = endpoint('shared');
const dynamodb = endpoint('dynamodb');
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  for (const server of [shared, dynamodb])
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => {
  shared.close();
  dynamodb.close();
});

it('a process whose only input is its environment sends DynamoDB calls to the service’s own endpoint', async () => {
  const env = awsAccessEnv({
    endpoint: urlOf(shared),
    serviceEndpoints: { dynamodb: urlOf(dynamodb) },
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  // As a Lambda builds its client: no endpoint in code, so the SDK reads AWS_ENDPOINT_URL_DYNAMODB itself.
  const script = `import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
await new DynamoDBClient({}).send(new ListTablesCommand({}));`;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env },
    cwd: process.cwd(),
  });
  expect(reached).toEqual(['dynamodb']);
});
