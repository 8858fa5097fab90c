import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import type { TableChange } from './change.ts';
import { MissingGroupKeyError } from './errors.ts';
import { changedColumns } from './match.ts';
import type { ChangeRule } from './rule.ts';

/** Namespace of change ids (UUIDv5): fixed, so the same change and rule always get the same id. */
const CHANGE_ID_NAMESPACE = '6f1f4a52-64d5-4a4c-9b1c-5d7f3c0a9e21';

/**
 * What a change rule's consumer gets: one committed row change that matched the rule. `changeId` is the SQS
 * FIFO deduplication id and the consumer's idempotency key: the same change sent twice (a stream retry, a
 * Debezium restart) is the same id, so the work is done once.
 */
export const ruleMessageSchema = z.object({
  changeId: z.uuid(),
  rule: z.string().min(1),
  table: z.string().min(1),
  op: z.enum(['insert', 'update', 'delete']),
  /** The row's primary key value, as text. */
  key: z.string().min(1),
  /** WAL position of the change (orders one row's changes). */
  lsn: z.number().int().nonnegative(),
  txId: z.number().int(),
  committedAt: z.iso.datetime({ offset: true }),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  /** Updates with a before image: the columns whose value changed; otherwise null. */
  changedColumns: z.array(z.string()).nullable(),
  /** The database role that made the change, when known. The WAL does not carry it, so null for now. */
  role: z.string().nullable(),
});
export type RuleMessage = z.infer<typeof ruleMessageSchema>;

/**
 * Instead of its rows, once per skipping rule: "N rows of <table> changed by <migration>" (a bulk transaction,
 * marked, whose rule says `bulk: skip`).
 */
export const bulkSummarySchema = z.object({
  kind: z.literal('bulk-summary'),
  changeId: z.uuid(),
  rule: z.string().min(1),
  table: z.string().min(1),
  txId: z.number().int(),
  migration: z.string().min(1),
  reason: z.enum(['marked', 'flurry']),
  rows: z.number().int().nonnegative(),
});
export type BulkSummary = z.infer<typeof bulkSummarySchema>;

/** The summary of a skipped bulk transaction for one rule; one id per (rule, transaction), so sent once. */
export function bulkSummary(
  rule: ChangeRule,
  txId: number,
  migration: string,
  reason: BulkSummary['reason'],
  rows: number,
): BulkSummary {
  return {
    kind: 'bulk-summary',
    changeId: uuidv5(`${rule.name}|bulk|${txId}`, CHANGE_ID_NAMESPACE),
    rule: rule.name,
    table: rule.table,
    txId,
    migration,
    reason,
    rows,
  };
}

export function summaryEntry(summary: BulkSummary): RuleEntry {
  return {
    MessageGroupId: `bulk:${summary.rule}`,
    MessageDeduplicationId: summary.changeId,
    MessageBody: JSON.stringify(summary),
  };
}

/** What the change router sends to a rule's consumer queue, apart from the URL. */
export interface RuleEntry {
  MessageGroupId: string;
  MessageDeduplicationId: string;
  MessageBody: string;
}

/** The message for `change` under `rule` (the change must match it). */
export function ruleMessage(change: TableChange, rule: ChangeRule, keyColumn: string): RuleMessage {
  const row = change.after ?? change.before ?? {};
  const key = row[keyColumn];
  if (key === undefined || key === null) throw new MissingGroupKeyError(rule.name, keyColumn, change.lsn);
  const op = change.op as RuleMessage['op'];
  return {
    changeId: uuidv5(`${rule.name}|${change.table}|${change.lsn}|${String(key)}`, CHANGE_ID_NAMESPACE),
    rule: rule.name,
    table: change.table,
    op,
    key: String(key),
    lsn: change.lsn,
    txId: change.txId,
    committedAt: new Date(change.committedAtMs).toISOString(),
    before: rule.images === 'both' ? change.before : null,
    after: change.after,
    changedColumns:
      op === 'update' && change.before !== null && change.after !== null
        ? changedColumns(change.before, change.after)
        : null,
    role: null,
  };
}

/** The SQS entry: group = rule's group key value (default the row key), so one row's work is done in order. */
export function ruleEntry(message: RuleMessage, rule: ChangeRule, change: TableChange): RuleEntry {
  const groupColumn = rule.target.groupBy;
  const row = change.after ?? change.before ?? {};
  const groupValue = groupColumn === undefined ? message.key : row[groupColumn];
  if (groupValue === undefined || groupValue === null)
    throw new MissingGroupKeyError(rule.name, groupColumn ?? 'key', change.lsn);
  // SQS group ids are 1–128 printable ASCII characters.
  const group = `${change.table}:${String(groupValue)}`.replace(/[^\x21-\x7e]/g, '_').slice(0, 128);
  return {
    MessageGroupId: group,
    MessageDeduplicationId: message.changeId,
    MessageBody: JSON.stringify(message),
  };
}
