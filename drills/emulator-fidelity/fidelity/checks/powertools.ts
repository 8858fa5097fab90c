import { createHash } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { Check, CheckContext } from '../types.ts';
import { ddbClient, table } from './dynamodb-helpers.ts';
import { describeError, fail, pass, sleep } from './util.ts';

/** The consumer's real dedupe path: Powertools against the emulator, nothing mocked. */
/**
 * Consumers run as Lambda handlers, so Powertools gets a context and writes `in_progress_expiration`; without it
 * the probe would exercise a path production never takes (and Powertools warns on every call).
 */
function fakeContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'fidelity',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fidelity',
    memoryLimitInMB: '128',
    awsRequestId: 'fidelity',
    logGroupName: '/aws/lambda/fidelity',
    logStreamName: 'fidelity',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function idempotent(ctx: CheckContext, tableName: string, delayMs = 0) {
  const client = ddbClient(ctx);
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'orderId' });
  config.registerLambdaContext(fakeContext());
  let runs = 0;
  const fn = makeIdempotent(
    async (event: { orderId: string }) => {
      runs++;
      if (delayMs) await sleep(delayMs);
      return { orderId: event.orderId, run: runs };
    },
    {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
      config,
      // Without a Lambda runtime there is no function name to prefix keys with.
      keyPrefix: `${ctx.prefix}-fn`,
    },
  );
  return { fn, client, runs: () => runs };
}

export const powertoolsChecks: Check[] = [
  {
    id: 'powertools-e2e',
    title: 'makeIdempotent + DynamoDBPersistenceLayer: repeat returns stored result, fn not re-run',
    critical: true,
    async run(ctx) {
      const setup = ddbClient(ctx);
      const t = await table(setup, ctx);
      const { fn, client, runs } = idempotent(ctx, t.name);
      try {
        const first = await fn({ orderId: 'o-1' });
        const repeat = await fn({ orderId: 'o-1' });
        const other = await fn({ orderId: 'o-2' });
        const stored = await setup.send(
          new GetItemCommand({ TableName: t.name, Key: { id: { S: `${ctx.prefix}-fn#${hashOf('o-1')}` } } }),
        );
        const seen = `runs=${runs()}; repeat ${JSON.stringify(repeat) === JSON.stringify(first) ? 'returned stored result' : `returned ${JSON.stringify(repeat)}`}; other key run=${other.run}; record status=${stored.Item?.status?.S ?? 'not found'}`;
        return runs() === 2 && JSON.stringify(repeat) === JSON.stringify(first) && other.run === 2
          ? pass(seen)
          : fail(seen);
      } finally {
        client.destroy();
        setup.destroy();
      }
    },
  },
  {
    id: 'powertools-concurrent',
    title: 'Concurrent duplicate while the first is INPROGRESS → IdempotencyAlreadyInProgressError',
    async run(ctx) {
      const setup = ddbClient(ctx);
      const t = await table(setup, ctx);
      const { fn, client, runs } = idempotent(ctx, t.name, 500);
      try {
        const settled = await Promise.allSettled([fn({ orderId: 'c-1' }), fn({ orderId: 'c-1' })]);
        const rejected = settled.filter((s) => s.status === 'rejected').map((s) => s.reason as unknown);
        const inProgress = rejected.filter((r) => r instanceof IdempotencyAlreadyInProgressError).length;
        const seen = `runs=${runs()}; rejected ${rejected.length} (${rejected.map((r) => describeError(r).split(':')[0]).join(',') || 'none'})`;
        return runs() === 1 && inProgress === 1 ? pass(seen) : fail(seen);
      } finally {
        client.destroy();
        setup.destroy();
      }
    },
  },
];

/** Powertools' record key: `<prefix>#` + base64 md5 of the JSON of the JMESPath result (BasePersistenceLayer). */
function hashOf(value: unknown): string {
  return createHash('md5').update(JSON.stringify(value)).digest('base64');
}
