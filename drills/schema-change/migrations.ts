import type { TableShape } from './table-shape.ts';

/**
 * One step of an online migration.
 * - `ddl`: one short transaction under `lock_timeout` (retried when the lock is not granted in time), or, when
 *   `concurrently`, one autocommit statement (CREATE INDEX CONCURRENTLY cannot run in a transaction).
 * - `backfill`: one batch per transaction, repeated until a batch touches no row: no long-held row locks, and the
 *   writers interleave between batches.
 * - `release`: the application starts writing/reading another shape (a deployment between two migration steps).
 */
export type MigrationStep =
  | {
      kind: 'ddl';
      label: string;
      sql: string;
      concurrently?: boolean;
      /** Run before a retry: a CREATE INDEX CONCURRENTLY that timed out leaves an invalid index behind. */
      cleanup?: string;
    }
  | { kind: 'backfill'; label: string; sql: string }
  | { kind: 'release'; label: string; shape: Partial<TableShape> };

export interface Migration {
  name: string;
  /** What changes, in one line. */
  change: string;
  steps: readonly MigrationStep[];
}

/** Rows per backfill batch: small enough that a batch holds its row locks for milliseconds. */
export const BACKFILL_BATCH = 200;

/**
 * The drill's migrations of `orders`, applied in this order under a running pipeline. They are the drill's own, not
 * the product's (sql/migrations is unchanged): each is written as production would run it, online.
 *
 * Why the type change and the rename go through a new column: Postgres rewrites the table under ACCESS EXCLUSIVE for
 * `ALTER COLUMN … TYPE` from char(3) to text (and for bigint → numeric, text → varchar(n)), and `RENAME COLUMN` breaks
 * every running reader at once. `total_cents` is already bigint (sql/migrations/0002_orders.sql), so the widening
 * the issue names has nothing to do here; `currency` char(3) → text is the type change instead.
 */
export const migrations: readonly Migration[] = [
  {
    name: 'add-column-with-default',
    change: "ADD COLUMN sales_channel text NOT NULL DEFAULT 'web' (Postgres ≥ 11: catalog only, no rewrite)",
    steps: [
      {
        kind: 'ddl',
        label: 'add sales_channel',
        sql: "ALTER TABLE orders ADD COLUMN sales_channel text NOT NULL DEFAULT 'web'",
      },
    ],
  },
  {
    name: 'change-type-currency',
    change:
      'currency char(3) → currency_code text: new column, dual write, batched backfill, old column dropped',
    steps: [
      { kind: 'ddl', label: 'add currency_code', sql: 'ALTER TABLE orders ADD COLUMN currency_code text' },
      {
        kind: 'release',
        label: 'write both currency columns',
        shape: { currencyWrite: ['currency', 'currency_code'] },
      },
      {
        kind: 'backfill',
        label: 'copy currency',
        sql: `UPDATE orders SET currency_code = rtrim(currency) WHERE id IN (
          SELECT id FROM orders WHERE currency_code IS NULL LIMIT ${BACKFILL_BATCH})`,
      },
      ...notNullOnline('currency_code', "currency_code ~ '^[A-Z]{3}$'"),
      { kind: 'release', label: 'read currency_code', shape: { currencyRead: 'currency_code' } },
      {
        kind: 'ddl',
        label: 'currency nullable',
        sql: 'ALTER TABLE orders ALTER COLUMN currency DROP NOT NULL',
      },
      { kind: 'release', label: 'write currency_code only', shape: { currencyWrite: ['currency_code'] } },
      { kind: 'ddl', label: 'drop currency', sql: 'ALTER TABLE orders DROP COLUMN currency' },
    ],
  },
  {
    name: 'rename-customer-id',
    change:
      'customer_id → customer_ref: expand/contract (new column, dual write, backfill, switch reads, drop)',
    steps: [
      { kind: 'ddl', label: 'add customer_ref', sql: 'ALTER TABLE orders ADD COLUMN customer_ref text' },
      {
        kind: 'release',
        label: 'write both customer columns',
        shape: { customerWrite: ['customer_id', 'customer_ref'] },
      },
      {
        kind: 'backfill',
        label: 'copy customer_id',
        sql: `UPDATE orders SET customer_ref = customer_id WHERE id IN (
          SELECT id FROM orders WHERE customer_ref IS NULL LIMIT ${BACKFILL_BATCH})`,
      },
      ...notNullOnline('customer_ref', 'length(customer_ref) BETWEEN 1 AND 128'),
      {
        kind: 'ddl',
        label: 'index customer_ref',
        sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_ref_created_idx ON orders (customer_ref, created_at DESC)',
        concurrently: true,
        cleanup: 'DROP INDEX CONCURRENTLY IF EXISTS orders_customer_ref_created_idx',
      },
      { kind: 'release', label: 'read customer_ref', shape: { customerRead: 'customer_ref' } },
      {
        kind: 'ddl',
        label: 'customer_id nullable',
        sql: 'ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL',
      },
      { kind: 'release', label: 'write customer_ref only', shape: { customerWrite: ['customer_ref'] } },
      { kind: 'ddl', label: 'drop customer_id', sql: 'ALTER TABLE orders DROP COLUMN customer_id' },
    ],
  },
  {
    name: 'move-items-to-table',
    change:
      'items jsonb → order_items rows: new table, dual write, batched backfill, switch reads, drop the column',
    steps: [
      {
        kind: 'ddl',
        label: 'create order_items',
        sql: `CREATE TABLE order_items (
          order_id uuid NOT NULL,
          line_no int NOT NULL,
          sku text NOT NULL,
          quantity int NOT NULL CHECK (quantity > 0),
          unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
          PRIMARY KEY (order_id, line_no)
        );
        GRANT SELECT, INSERT ON order_items TO holdline_app;
        GRANT SELECT ON order_items TO holdline_consumer`,
      },
      {
        // NOT VALID: takes SHARE ROW EXCLUSIVE on orders only for an instant, checks new rows from now on.
        kind: 'ddl',
        label: 'reference orders (not valid)',
        sql: `ALTER TABLE order_items ADD CONSTRAINT order_items_order_fk
          FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID`,
      },
      { kind: 'release', label: 'write lines to both', shape: { itemsWrite: ['jsonb', 'table'] } },
      {
        kind: 'backfill',
        label: 'copy lines',
        sql: `INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price_cents)
          SELECT o.id, line.no, line.item->>'sku', (line.item->>'quantity')::int, (line.item->>'unitPriceCents')::bigint
          FROM (SELECT id, items FROM orders o
                WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)
                LIMIT ${BACKFILL_BATCH}) o,
               jsonb_array_elements(o.items) WITH ORDINALITY AS line(item, no)
          ON CONFLICT DO NOTHING`,
      },
      {
        kind: 'ddl',
        label: 'validate the reference',
        sql: 'ALTER TABLE order_items VALIDATE CONSTRAINT order_items_order_fk',
      },
      { kind: 'release', label: 'read lines from order_items', shape: { itemsRead: 'table' } },
      {
        kind: 'ddl',
        label: 'items nullable',
        sql: 'ALTER TABLE orders ALTER COLUMN items DROP NOT NULL',
      },
      { kind: 'release', label: 'write lines to order_items only', shape: { itemsWrite: ['table'] } },
      { kind: 'ddl', label: 'drop items', sql: 'ALTER TABLE orders DROP COLUMN items' },
    ],
  },
];

/**
 * NOT NULL without a long ACCESS EXCLUSIVE scan: a CHECK added NOT VALID (instant), validated under SHARE UPDATE
 * EXCLUSIVE (writes go on), then SET NOT NULL, which Postgres ≥ 12 proves from the valid CHECK without a scan.
 */
function notNullOnline(column: string, rule: string): MigrationStep[] {
  const constraint = `orders_${column}_present`;
  return [
    {
      kind: 'ddl',
      label: `${column} check (not valid)`,
      sql: `ALTER TABLE orders ADD CONSTRAINT ${constraint} CHECK (${column} IS NOT NULL AND ${rule}) NOT VALID`,
    },
    { kind: 'ddl', label: `validate ${column}`, sql: `ALTER TABLE orders VALIDATE CONSTRAINT ${constraint}` },
    {
      kind: 'ddl',
      label: `${column} not null`,
      sql: `ALTER TABLE orders ALTER COLUMN ${column} SET NOT NULL`,
    },
  ];
}
