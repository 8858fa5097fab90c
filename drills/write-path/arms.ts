import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import {
  insertOrderWithoutEvent,
  placeOrder,
  placeOrderParams,
  placeOrderSql,
} from '../../lambdas/orders/order-store.ts';
import type { SqlExecutor } from '../../lambdas/shared/db/sql-client.ts';

/** The order every arm writes: the same request, so the only difference between arms is how its event is kept. */
export const benchRequest: PlaceOrder = {
  customerId: 'bench',
  currency: 'USD',
  items: [
    { sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 },
    { sku: 'PEN-7', quantity: 10, unitPriceCents: 99 },
  ],
};

/** An outbox table of the bench's own, in a schema of its own; the arm's connections put that schema first. */
export interface OutboxShape {
  partitioned: boolean;
  /** The polling relay's two partial indexes (`WHERE published_at IS NULL`, migration 0007). */
  relayIndexes: boolean;
  /** `published_at`'s default: the relay-mode lookup of migration 0007, or the constant of 0040 (under CDC). */
  publishedAtDefault: 'relay-mode lookup' | 'constant';
  payloadType: 'jsonb' | 'json' | 'text';
  /** Heap fillfactor of the partitions (100 = Postgres's default). */
  fillfactor: number;
}

export interface Arm {
  name: string;
  /** What the arm changes, for the report. */
  what: string;
  /** Its own outbox table, or none (the production table, or no table at all). */
  shape?: OutboxShape;
  /** Named (prepared) statements: parsed and planned once per connection, not per order. */
  prepared?: boolean;
  write(db: SqlExecutor): Promise<unknown>;
}

/** The production outbox as migrations 0003, 0007, 0020 and 0040 leave it (relay mode cdc). */
const production: OutboxShape = {
  partitioned: true,
  relayIndexes: true,
  publishedAtDefault: 'constant',
  payloadType: 'jsonb',
  fillfactor: 100,
};

// placeOrder's statement with the payload bound as the column's type, so a `json` or `text` column is not fed a
// value parsed as jsonb first.
const payloadAs = (type: OutboxShape['payloadType']) =>
  placeOrderSql.replace(':payload::jsonb', type === 'text' ? ':payload::text' : `:payload::${type}`);

const placeWith = (sql: string) => (db: SqlExecutor) => db.query(sql, placeOrderParams(benchRequest).params);

// The WAL-only outbox: the order row, and its event as a transactional logical decoding message in the same
// statement (so the same transaction): no outbox row, no index entry, nothing to reap. The message carries the
// outbox columns by name, so Debezium's outbox router can read it as it reads a row.
export const walOnlyPlaceOrderSql = placeOrderSql.replace(
  /,\s*event AS \([\s\S]*\)\s*SELECT \* FROM new_order$/,
  `
  SELECT new_order.* FROM new_order,
    LATERAL pg_logical_emit_message(true, 'outbox', json_build_object(
      'event_id', :eventId::uuid, 'aggregate_type', :aggregateType::text, 'aggregate_id', new_order.id::text,
      'sequence', new_order.version, 'event_type', :eventType::text, 'payload', :payload::text,
      'occurred_at', now(), 'trace_context', :traceContext::text)::text)`,
);

/** The baseline: the order row alone. */
export const bare: Arm = {
  name: 'bare',
  what: 'the order row alone (insertOrderWithoutEvent)',
  write: (db) => insertOrderWithoutEvent(db, benchRequest),
};

/** Every variant, each measured against `bare`. */
export const variants: Arm[] = [
  {
    name: 'outbox',
    what: 'production: placeOrder into the migrated outbox',
    write: (db) => placeOrder(db, benchRequest),
  },
  {
    name: 'copy',
    what: 'a copy of the production outbox in its own schema (checks that the copy costs what the original does)',
    shape: production,
    write: (db) => placeOrder(db, benchRequest),
  },
  {
    name: 'no-relay-indexes',
    what: "without the polling relay's two partial indexes",
    shape: { ...production, relayIndexes: false },
    write: (db) => placeOrder(db, benchRequest),
  },
  {
    name: 'relay-mode-lookup',
    what: "published_at's default reads the relay mode per row (migration 0007, before 0040)",
    shape: { ...production, publishedAtDefault: 'relay-mode lookup' },
    write: (db) => placeOrder(db, benchRequest),
  },
  {
    name: 'unpartitioned',
    what: 'one plain table instead of daily partitions (no partition routing)',
    shape: { ...production, partitioned: false },
    write: (db) => placeOrder(db, benchRequest),
  },
  {
    name: 'fillfactor-70',
    what: 'partitions with fillfactor 70',
    shape: { ...production, fillfactor: 70 },
    write: (db) => placeOrder(db, benchRequest),
  },
  {
    name: 'payload-json',
    what: 'payload as json (text kept verbatim, validated) instead of jsonb',
    shape: { ...production, payloadType: 'json' },
    write: placeWith(payloadAs('json')),
  },
  {
    name: 'payload-text',
    what: 'payload as plain text (not validated by Postgres)',
    shape: { ...production, payloadType: 'text' },
    write: placeWith(payloadAs('text')),
  },
  {
    name: 'bare-prepared',
    what: 'the bare insert as a named (prepared) statement',
    prepared: true,
    write: bare.write,
  },
  {
    name: 'outbox-prepared',
    what: 'production placeOrder as a named (prepared) statement',
    prepared: true,
    write: (db) => placeOrder(db, benchRequest),
  },
  {
    name: 'wal-only',
    what: "no outbox row: pg_logical_emit_message(true, 'outbox', …) in the order's statement",
    write: placeWith(walOnlyPlaceOrderSql),
  },
];

/** DDL for one shape's outbox in `schema`, with partitions for the days around today (as migration 0003 makes). */
export function outboxShapeDdl(schema: string, shape: OutboxShape): string[] {
  const t = `${schema}.outbox`;
  const published =
    shape.publishedAtDefault === 'constant'
      ? `'-infinity'::timestamptz`
      : `CASE WHEN public.outbox_relay_mode() = 'polling' THEN NULL ELSE '-infinity'::timestamptz END`;
  const storage = shape.fillfactor === 100 ? '' : ` WITH (fillfactor = ${shape.fillfactor})`;
  const ddl = [
    `CREATE SCHEMA ${schema}`,
    `CREATE TABLE ${t} (
      event_id uuid NOT NULL, aggregate_type text NOT NULL, aggregate_id text NOT NULL,
      sequence bigint NOT NULL CHECK (sequence > 0), event_type text NOT NULL, payload ${shape.payloadType} NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(), trace_context text, published_at timestamptz DEFAULT ${published},
      CONSTRAINT outbox_pkey PRIMARY KEY (event_id)
    )${shape.partitioned ? ' PARTITION BY RANGE (event_id)' : storage}`,
  ];
  if (shape.partitioned) {
    ddl.push(`CREATE TABLE ${schema}.outbox_default PARTITION OF ${t} DEFAULT${storage}`);
    for (let day = -1; day <= 3; day++)
      ddl.push(`DO $$ DECLARE d date := (now() AT TIME ZONE 'UTC')::date + ${day}; BEGIN
        EXECUTE format('CREATE TABLE ${schema}.%I PARTITION OF ${t} FOR VALUES FROM (%L) TO (%L)${storage}',
          'outbox_p' || to_char(d, 'YYYYMMDD'), public.holdline_uuid7_floor(d), public.holdline_uuid7_floor(d + 1));
      END $$`);
  }
  if (shape.relayIndexes)
    ddl.push(
      `CREATE INDEX ON ${t} (event_id) WHERE published_at IS NULL`,
      `CREATE INDEX ON ${t} (aggregate_id, sequence) WHERE published_at IS NULL`,
    );
  ddl.push(`GRANT USAGE ON SCHEMA ${schema} TO holdline_app`, `GRANT SELECT, INSERT ON ${t} TO holdline_app`);
  return ddl;
}

/** The schema an arm's own outbox lives in. */
export const armSchema = (arm: Arm) => `bench_${arm.name.replace(/-/g, '_')}`;
