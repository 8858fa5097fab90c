import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../cdk/lib/template.ts';
import type { PlaceOrder } from '../../../lambdas/orders/order.ts';
import { placeOrder } from '../../../lambdas/orders/order-store.ts';
import { createPgClient } from '../../../lambdas/shared/db/pg-client.ts';
import type { SqlClient } from '../../../lambdas/shared/db/sql-client.ts';
import { stateDir } from '../../lib/paths.ts';
import { freePort } from '../../lib/process.ts';
import { type DatabaseUrls, prepareDatabase } from '../../processes/postgres/database.ts';
import { type PostgresServer, startPostgres } from '../../processes/postgres/server.ts';
import { defaultPostgresSettings } from '../../processes/postgres/settings.ts';
import { testAws } from '../../test/fixtures/aws.ts';
import { localAppTemplate } from '../local-template.ts';
import { type Provisioned, provisionFromTemplate } from '../provision/index.ts';
import { installDebezium } from './install.ts';
import { type DebeziumServer, startDebezium } from './server.ts';
import { slotState } from './slot.ts';
import { readStreamUntil, type StreamRecord } from './stream-reader.ts';

/** The outbox envelope `cdk/lib/debezium-config.ts` configures (`table.fields.additional.placement`). */
interface Envelope {
  eventId: string;
  eventType: string;
  sequence: number;
  aggregateType: string;
  aggregateId: string;
  occurredAt: string;
  traceContext: string | null;
  /** The outbox row's jsonb, as JSON text (the router does not expand it). */
  payload: string;
}

/**
 * Debezium heartbeats share the stream (so the slot advances on a quiet database): `{"ts_ms":…}` with no
 * eventId. Consumers skip them; so does this test.
 */
function outboxEvents(records: readonly StreamRecord[]): (StreamRecord & { envelope: Envelope })[] {
  return records.flatMap((record) => {
    const envelope = JSON.parse(record.data) as Partial<Envelope>;
    return typeof envelope.eventId === 'string' ? [{ ...record, envelope: envelope as Envelope }] : [];
  });
}

/** `debezium.format.key=simplestring`: the partition key is the bare order id, so the order id alone picks the shard. */
const orderIdOfPartitionKey = (key: string): string => key;

const request: PlaceOrder = {
  customerId: 'debezium-it',
  currency: 'EUR',
  items: [{ sku: 'CDC-1', quantity: 2, unitPriceCents: 1250 }],
};
const traceContext = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('Debezium Server outbox connector on the local cloud', () => {
  let template: CfnTemplate;
  let provisioned: Provisioned;
  let db: SqlClient;
  let dataDir: string;
  let pgDir: string;
  let postgres: PostgresServer;
  let urls: DatabaseUrls;
  let streamName: string;
  let server: DebeziumServer | undefined;
  const orderIds: string[] = [];

  const start = (): Promise<DebeziumServer> =>
    startDebezium({
      template,
      provisioned,
      connector: 'outbox',
      databaseUrl: urls.cdc,
      access: testAws(),
      dataDir,
      timeoutMs: 60_000,
    });
  const placeOrders = async (count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await placeOrder(db, request, { traceContext })).order.id);
    orderIds.push(...ids);
    return ids;
  };
  /** The outbox's own rows for these orders: what the stream must carry. */
  const outboxRows = async (ids: string[]) =>
    db.query<{ event_id: string; aggregate_id: string }>(
      "SELECT event_id::text, aggregate_id FROM outbox WHERE aggregate_id = ANY(string_to_array(:ids, ','))",
      { ids: ids.join(',') },
    );
  /** Reads the stream until every order has a record (or 30 s pass); returns those orders' outbox records. */
  const readEvents = async (ids: string[]) => {
    const wanted = new Set(ids);
    const ours = (all: readonly StreamRecord[]) =>
      outboxEvents(all).filter((r) => wanted.has(r.envelope.aggregateId));
    const records = await readStreamUntil(
      testAws(),
      streamName,
      (all) => new Set(ours(all).map((r) => r.envelope.aggregateId)).size === wanted.size,
      30_000,
    );
    return { records, events: ours(records) };
  };

  beforeAll(async () => {
    await installDebezium((line) => console.log(`[debezium] ${line}`));
    template = localAppTemplate();
    provisioned = await provisionFromTemplate(template, testAws());
    streamName = provisioned.outputs.OrderEventsStreamName ?? '';
    // A Postgres of its own: on the shared one, the outbox slot and stored offsets other test files left behind
    // make this connector replay their WAL first, and a CI run saw none of this file's events within 30 s.
    pgDir = mkdtempSync(join(stateDir, 'test-debezium-'));
    postgres = await startPostgres(join(pgDir, 'data'), await freePort(), defaultPostgresSettings, {
      name: 'test-debezium-postgres',
    });
    urls = await prepareDatabase(postgres.adminUrl);
    db = createPgClient({ connectionString: urls.app });
    dataDir = mkdtempSync(join(tmpdir(), 'holdline-debezium-'));
  });

  afterAll(async () => {
    await server?.stop();
    await db?.close();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (pgDir) rmSync(pgDir, { recursive: true, force: true });
  });

  it('publishes exactly one record per outbox event, keyed by order id, carrying the envelope', async () => {
    // An order from before the connector's first start: the snapshot of the partitioned outbox on a fresh
    // database, or the retained WAL of an existing slot on a second run, must carry it.
    const [early = ''] = await placeOrders(1);
    server = await start();
    console.log(
      `[debezium] Java ${server.java.version}: healthy after ${server.startup.healthyMs} ms, streaming after ` +
        `${server.startup.streamingMs} ms, RSS ${server.rssMb()} MiB`,
    );

    const placed = await placeOrders(3);
    const ids = [early, ...placed];
    const { records, events } = await readEvents(ids);

    const rows = await outboxRows(ids);
    expect(rows).toHaveLength(4);
    expect(events.map((e) => e.envelope.eventId).sort()).toEqual(rows.map((r) => r.event_id).sort());
    for (const { partitionKey, envelope } of events) {
      expect(orderIdOfPartitionKey(partitionKey)).toBe(envelope.aggregateId);
      expect(envelope).toMatchObject({
        eventType: 'OrderPlaced',
        aggregateType: 'order',
        sequence: 1,
        traceContext,
      });
      expect(JSON.parse(envelope.payload)).toMatchObject({
        orderId: envelope.aggregateId,
        customerId: request.customerId,
        totalCents: 2500,
      });
    }
    console.log(
      `[debezium] ${events.length} outbox records for 4 orders; ${records.length - outboxEvents(records).length} ` +
        'heartbeat records skipped',
    );
  });

  it('loses no event when the JVM is SIGKILLed and started again', async () => {
    if (!server) throw new Error('the first test did not start Debezium');
    const killed = server;
    await killed.kill();
    server = undefined;

    const duringOutage = await placeOrders(2);
    server = await start();
    const { events } = await readEvents(orderIds);

    // At-least-once: a record sent after the last offset flush is sent again, so duplicates may appear.
    const rows = await outboxRows(orderIds);
    expect(rows).toHaveLength(orderIds.length);
    const delivered = new Set(events.map((e) => e.envelope.eventId));
    for (const row of rows) expect(delivered, `event ${row.event_id}`).toContain(row.event_id);
    expect(duringOutage.every((id) => events.some((e) => e.envelope.aggregateId === id))).toBe(true);
    console.log(
      `[debezium] after SIGKILL + restart: ${events.length} records for ${rows.length} events ` +
        `(${events.length - delivered.size} duplicates); restarted in ${server.startup.streamingMs} ms`,
    );
  });

  it('publishes nothing for an UPDATE of outbox rows (the polling relay marking them sent)', async () => {
    if (!server) throw new Error('Debezium is not running');
    const before = (await readEvents(orderIds)).events.length;
    // The log is appended to across runs and restarts: look only at what is written from here on.
    const logOffset = readFileSync(server.logFile, 'utf8').length;

    await db.query(
      "UPDATE outbox SET published_at = now() WHERE aggregate_id = ANY(string_to_array(:ids, ','))",
      {
        ids: orderIds.join(','),
      },
    );
    // A marker order after the UPDATE: once its record is in the stream, the UPDATE has been read past.
    const [marker = ''] = await placeOrders(1);
    const { events } = await readEvents([marker]);
    const all = (await readEvents(orderIds)).events;

    expect(events).toHaveLength(1);
    expect(all.length - before).toBe(1);
    // Dropped by the connector (skipped.operations), not merely by the outbox router, which would log this:
    expect(readFileSync(server.logFile, 'utf8').slice(logOffset)).not.toContain(
      'Unexpected update message received',
    );
  });

  it('stops cleanly: no JVM left behind and the slot kept, inactive, for the next start', async () => {
    if (!server) throw new Error('Debezium is not running');
    const { pid } = server.process.child;
    const slotName = server.slotName;
    await server.stop();
    server = undefined;

    expect(() => process.kill(pid ?? -1, 0)).toThrow();
    const slot = await slotState(urls.cdc, slotName);
    expect(slot).toMatchObject({ active: false });
    expect(slot?.walStatus).not.toBe('lost');
  });
});
