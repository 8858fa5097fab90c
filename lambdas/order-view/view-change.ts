import { z } from 'zod';
import { describeIssues, readDebeziumRecord } from '../shared/debezium-record.ts';
import { sourceSchema } from './source-position.ts';

/** A captured `orders` row as Debezium writes it (JSON values: jsonb as text, timestamps as ISO strings). */
export type OrderRow = Readonly<Record<string, unknown>> & { readonly id: string };

/** Where a change sits in its source's log: `lsn` orders every change of one row; `commitTsMs` is the commit time. */
export interface ChangePosition {
  /**
   * Strictly increasing across the changes of one row: Postgres's `source.lsn`, or the number MariaDB's binlog
   * coordinates make (source-position.ts). Named for the first source; the view stores it as `sourceLsn`.
   */
  lsn: number;
  /** `source.ts_ms`: when the change was committed in the source database. */
  commitTsMs: number;
}

/**
 * Where an incremental snapshot's read sits: nowhere in the log. Debezium emits the chunk between its watermarks,
 * after dropping every row the stream changed meanwhile, so the read is the row's state at that point of the
 * stream, but it carries no LSN (view-item.ts guards it by the row's `version`).
 */
export interface ReadPosition {
  lsn: null;
  commitTsMs: number;
}

/**
 * One `OrderChanges` Kinesis record, as the `orders` connectors of `cdk/lib/debezium-config.ts` write it (Postgres
 * or MariaDB): `{before, after, source: {lsn | file+pos+row, ts_ms, table, …}, op, ts_ms}` (JSON, no Connect schema), keyed by the bare order
 * id (`ExtractField$Key`); or a heartbeat `{"ts_ms":…}` keyed `Struct{serverName=…}`.
 */
export type ViewChange =
  /** `c` insert, `u` update, `r` snapshot read: the after-image is the order's whole current state. */
  | {
      kind: 'upsert';
      op: 'c' | 'u' | 'r';
      orderId: string;
      after: OrderRow;
      /** The full before-image of an update (REPLICA IDENTITY FULL); null for `c` and `r`. */
      before: OrderRow | null;
      /** A ReadPosition only for `r` from an incremental snapshot. */
      position: ChangePosition | ReadPosition;
    }
  /** `d` delete: the full before-image (REPLICA IDENTITY FULL), no after-image. */
  | { kind: 'delete'; op: 'd'; orderId: string; before: OrderRow; position: ChangePosition }
  /** Routed into the stream so the slot advances; nothing to apply. */
  | { kind: 'heartbeat' }
  /** `orderId` when the data has a readable one, so the log line can name the order. */
  | { kind: 'invalid'; reason: string; orderId?: string };

/**
 * The columns the view's readers rely on (`orderFromViewItem` in lambdas/api/order-list.ts, the `byCustomer` index
 * on `customer_id`), as Debezium writes them. Raw CDC copies the table's shape, so a migration that renames, moves
 * or retypes one of these would otherwise write a view its readers misread: such a change is refused here with
 * the failing column named, and quarantined (drills/schema-change shows it). Extra columns are kept.
 */
const rowSchema = z.looseObject({
  id: z.string().min(1),
  customer_id: z.string().min(1),
  status: z.string().min(1),
  currency: z.string().min(1),
  total_cents: z.number().int(),
  // jsonb as JSON text (io.debezium.data.Json)
  items: z.string().min(2),
  version: z.number().int().positive(),
  created_at: z.string().min(1),
  updated_at: z.string().min(1),
});
const changeSchema = z.discriminatedUnion('op', [
  z.looseObject({
    op: z.enum(['c', 'r']),
    before: z.null().optional(),
    after: rowSchema,
    source: sourceSchema,
  }),
  z.looseObject({ op: z.literal('u'), before: rowSchema, after: rowSchema, source: sourceSchema }),
  z.looseObject({ op: z.literal('d'), before: rowSchema, after: z.null(), source: sourceSchema }),
]);

/** Classifies a record's data. Never throws: what it cannot read is `invalid`, with the reason. */
export function parseViewChange(data: string): ViewChange {
  const raw = readDebeziumRecord(data);
  if (raw.kind !== 'json') return raw;
  const json = raw.json;
  const result = changeSchema.safeParse(json);
  if (!result.success) {
    const orderId = readableOrderId(json);
    return {
      kind: 'invalid',
      reason: describeIssues(result.error),
      ...(orderId === undefined ? {} : { orderId }),
    };
  }
  const change = result.data;
  const { position: lsn, commitTsMs } = change.source;
  if (lsn === null && change.op !== 'r') return unordered(json, change.op);
  if (change.op === 'd')
    return lsn === null
      ? unordered(json, change.op)
      : {
          kind: 'delete',
          op: 'd',
          orderId: change.before.id,
          before: change.before,
          position: { lsn, commitTsMs },
        };
  return {
    kind: 'upsert',
    op: change.op,
    orderId: change.after.id,
    after: change.after,
    before: change.op === 'u' ? change.before : null,
    position: lsn === null ? { lsn: null, commitTsMs } : { lsn, commitTsMs },
  };
}

/** A change other than a snapshot read with no LSN: nothing can order it against the row's other changes. */
function unordered(json: unknown, op: string): ViewChange {
  const orderId = readableOrderId(json);
  return {
    kind: 'invalid',
    reason: `source.lsn: a ${op} change without an LSN cannot be ordered`,
    ...(orderId === undefined ? {} : { orderId }),
  };
}

function readableOrderId(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  for (const image of ['after', 'before'] as const) {
    const row = (json as Record<string, unknown>)[image];
    if (typeof row === 'object' && row !== null && typeof (row as { id?: unknown }).id === 'string')
      return (row as { id: string }).id;
  }
  return undefined;
}
