/**
 * The order-writing process of the dual-write drill (a child the drill SIGKILLs). Places orders `from`..`to`-1
 * and reports on stdout, one line per step:
 *   COMMITTED <i> <orderId>   the order's transaction committed
 *   CRASH <i> <orderId>       a scheduled crash point: between commit and publish; the drill kills us now
 *   PUBLISHED <i> <orderId>   (naive) the event is in the stream
 *   DONE
 * naive:  commit the order, then PutRecord the event straight to Kinesis (two systems, no common transaction);
 * outbox: placeOrder — the order and its outbox row in one statement; the relay publishes later.
 */
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import { orderPlacedEvent } from '../../lambdas/orders/order-events.ts';
import { insertOrderWithoutEvent, placeOrder } from '../../lambdas/orders/order-store.ts';
import { serializeOutboxRecord } from '../../lambdas/router/envelope.ts';
import { createPgClient } from '../../lambdas/shared/db/pg-client.ts';

export interface WorkerArgs {
  mode: 'naive' | 'outbox';
  databaseUrl: string;
  kinesisUrl: string;
  streamName: string;
  from: number;
  to: number;
  crashAt: number[];
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const db = createPgClient({ connectionString: args.databaseUrl, max: 1 });
const kinesis = new KinesisClient({
  endpoint: args.kinesisUrl,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  requestHandler: new NodeHttpHandler(),
});
const say = (line: string) => process.stdout.write(`${line}\n`);

for (let i = args.from; i < args.to; i++) {
  const request: PlaceOrder = {
    customerId: `dual-write-${args.mode}`,
    currency: 'EUR',
    items: [{ sku: `SKU-${i}`, quantity: 1, unitPriceCents: 1000 + i }],
  };
  if (args.mode === 'naive') {
    const order = await insertOrderWithoutEvent(db, request);
    if (!order) throw new Error(`order ${i} was not inserted`);
    say(`COMMITTED ${i} ${order.id}`);
    if (args.crashAt.includes(i)) {
      say(`CRASH ${i} ${order.id}`);
      await new Promise(() => {}); // the drill SIGKILLs us here
    }
    const event = orderPlacedEvent(order, null);
    await kinesis.send(
      new PutRecordCommand({
        StreamName: args.streamName,
        PartitionKey: order.id,
        Data: new TextEncoder().encode(
          serializeOutboxRecord({ ...event, occurredAt: order.createdAt, payload: event.payload }),
        ),
      }),
    );
    say(`PUBLISHED ${i} ${order.id}`);
  } else {
    const { order } = await placeOrder(db, request);
    say(`COMMITTED ${i} ${order.id}`);
    if (args.crashAt.includes(i)) {
      say(`CRASH ${i} ${order.id}`);
      await new Promise(() => {});
    }
  }
}
say('DONE');
await db.close();
kinesis.destroy();
process.exit(0);
