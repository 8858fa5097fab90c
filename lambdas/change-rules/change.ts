import { z } from 'zod';
import { describeIssues, readDebeziumRecord } from '../shared/debezium-record.ts';

/** A row's columns as Debezium's JSON converter writes them (no Connect schema). */
export type Row = Record<string, unknown>;

/** One committed row change of a captured table. */
export interface TableChange {
  kind: 'change';
  table: string;
  /** `read` is a snapshot row, not a change: no rule acts on it. */
  op: 'insert' | 'update' | 'delete' | 'read';
  /** Null for inserts, and for updates of a table without REPLICA IDENTITY FULL. */
  before: Row | null;
  after: Row | null;
  /** WAL position of the change; increases along a row's history (its FIFO order) and names it uniquely. */
  lsn: number;
  txId: number;
  /** Commit time in the database, epoch ms. */
  committedAtMs: number;
}

/** A logical decoding message (`pg_logical_emit_message`), e.g. the bulk marker. */
export interface WalMessage {
  kind: 'message';
  prefix: string;
  /** The content as text (Debezium writes the bytes base64-encoded). */
  content: string;
  lsn: number;
  /** Absent for a non-transactional message. */
  txId: number | undefined;
  committedAtMs: number;
}

/** The end of a transaction (Debezium's transaction metadata): how many changes it had, per table. */
export interface TransactionEnd {
  kind: 'transaction-end';
  txId: number;
  /** Changes per table (`customers`, not `public.customers`). */
  changes: Record<string, number>;
}

export type CapturedRecord =
  | TableChange
  | WalMessage
  | TransactionEnd
  /** A transaction's BEGIN: nothing to do. */
  | { kind: 'transaction-begin' }
  | { kind: 'heartbeat' }
  | { kind: 'invalid'; reason: string };

const source = z.object({
  table: z.string().optional(),
  lsn: z.number().int().nonnegative(),
  txId: z.number().int().nullish(),
  ts_ms: z.number().int(),
});
const row = z.record(z.string(), z.unknown()).nullable();
const opNames = { c: 'insert', u: 'update', d: 'delete', r: 'read' } as const;
const changeSchema = z.object({
  op: z.enum(['c', 'u', 'd', 'r']),
  before: row.optional().default(null),
  after: row.optional().default(null),
  source: source.extend({ table: z.string().min(1) }),
});
const messageSchema = z.object({
  op: z.literal('m'),
  source,
  message: z.object({ prefix: z.string(), content: z.string() }),
});

const transactionSchema = z.object({
  status: z.enum(['BEGIN', 'END']),
  // Postgres: `<txId>:<lsn>`.
  id: z.string().regex(/^\d+(:\d+)?$/),
  data_collections: z
    .array(z.object({ data_collection: z.string(), event_count: z.number().int() }))
    .nullish(),
});

/** Reads one record of the change-rules stream. Never throws: what it cannot read is `invalid`, with the reason. */
export function readCapturedRecord(data: string): CapturedRecord {
  const raw = readDebeziumRecord(data);
  if (raw.kind !== 'json') return raw;
  const json = raw.json as { op?: unknown; status?: unknown };
  if (json?.status === 'BEGIN' || json?.status === 'END') {
    const t = transactionSchema.safeParse(json);
    if (!t.success) return { kind: 'invalid', reason: describeIssues(t.error) };
    if (t.data.status === 'BEGIN') return { kind: 'transaction-begin' };
    return {
      kind: 'transaction-end',
      txId: Number(t.data.id.split(':')[0]),
      changes: Object.fromEntries(
        (t.data.data_collections ?? []).map((c) => [
          c.data_collection.replace(/^public\./, ''),
          c.event_count,
        ]),
      ),
    };
  }
  if (json?.op === 'm') {
    const m = messageSchema.safeParse(json);
    if (!m.success) return { kind: 'invalid', reason: describeIssues(m.error) };
    return {
      kind: 'message',
      prefix: m.data.message.prefix,
      content: Buffer.from(m.data.message.content, 'base64').toString('utf8'),
      lsn: m.data.source.lsn,
      txId: m.data.source.txId ?? undefined,
      committedAtMs: m.data.source.ts_ms,
    };
  }
  const c = changeSchema.safeParse(json);
  if (!c.success) return { kind: 'invalid', reason: describeIssues(c.error) };
  const { op, before, after, source: s } = c.data;
  return {
    kind: 'change',
    table: s.table,
    op: opNames[op],
    before,
    after,
    lsn: s.lsn,
    txId: s.txId ?? 0,
    committedAtMs: s.ts_ms,
  };
}
