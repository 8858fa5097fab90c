import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataApiDouble, startDataApiDouble } from '../../../localstack/stand-ins/data-api/server.ts';
import { getOrder, placeOrder } from '../../orders/order-store.ts';
import { countRows } from '../../test/db.ts';
import { createDataApiClient } from './data-api-client.ts';
import type { SqlClient } from './sql-client.ts';

// The Aurora Data API driver, through the real SDK, against a Data-API-compatible TEST DOUBLE over real Postgres.
let double: DataApiDouble;
let db: SqlClient;

beforeAll(async () => {
  double = await startDataApiDouble(process.env.DATABASE_URL!);
  db = createDataApiClient({
    resourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:holdline',
    secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:holdline-app',
    database: 'holdline',
    client: new RDSDataClient({
      endpoint: double.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    }),
  });
});
afterAll(async () => {
  await db.close();
  await double.close();
});

const request = {
  customerId: 'c-data-api',
  currency: 'EUR',
  items: [{ sku: 'PEN-1', quantity: 3, unitPriceCents: 199 }],
};

describe('Data API driver', () => {
  it('places an order and reads it back with the same shape as pg', async () => {
    const { order, replayed } = await placeOrder(db, request, { idempotencyKey: `da-${Date.now()}` });
    expect(replayed).toBe(false);
    expect(order).toMatchObject({
      customerId: 'c-data-api',
      totalCents: 597,
      version: 1,
      items: request.items,
    });
    expect(await getOrder(db, order.id)).toEqual(order);
  });

  it('replays an idempotency key inside a Data API transaction', async () => {
    const key = `da-replay-${Date.now()}`;
    const first = await placeOrder(db, request, { idempotencyKey: key });
    const second = await placeOrder(db, request, { idempotencyKey: key });
    expect(second).toEqual({ order: first.order, replayed: true });
  });

  it('rolls the whole transaction back when a statement fails', async () => {
    const before = await countRows();
    await expect(
      db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO orders (id, customer_id, currency, total_cents, items) VALUES (:id::uuid, 'c', 'USD', 1, '[{}]')`,
          { id: '01a20000-0000-7000-8000-000000000001' },
        );
        await tx.query('SELECT 1/0');
      }),
    ).rejects.toMatchObject({ name: 'SqlError', code: '22012' });
    expect(await countRows()).toEqual(before);
  });
});
