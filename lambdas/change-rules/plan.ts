import type { ChangeConsumerName } from '../shared/change-consumers.ts';
import type { BulkMark } from './bulk.ts';
import type { CapturedRecord } from './change.ts';
import { InvalidChangeRecordError } from './errors.ts';
import { matchRule } from './match.ts';
import type { ChangeRule } from './rule.ts';
import { bulkSummary, type RuleEntry, ruleEntry, ruleMessage, summaryEntry } from './rule-message.ts';

/** The rules in force and each captured table's key column (from the capture plan). */
export interface RuleSet {
  rules: readonly ChangeRule[];
  keyColumns: Readonly<Record<string, string>>;
}

/** One piece of work to send. */
export interface RuleDelivery {
  rule: string;
  consumer: ChangeConsumerName;
  /** `bulk`: the consumer's low-priority queue (a bulk transaction's rows, throttled). */
  lane: 'normal' | 'bulk';
  kind: 'change' | 'summary';
  entry: RuleEntry;
}

/** What else planning saw, for the metrics. */
export interface PlanCounts {
  skipped: number;
}

/**
 * What the change router does with one record, without I/O: the deliveries of every rule it matches (none for
 * heartbeats, snapshot reads, transaction begins and changes no rule wants). A change of a bulk transaction
 * (`marks`) goes to the consumer's low-priority queue; a marked one's change goes nowhere for a `skip` rule, whose
 * consumer gets one summary at the transaction's end instead. Throws InvalidChangeRecordError for data it
 * cannot read, and the rule errors of matchRule / ruleMessage: the caller quarantines the record with them.
 */
export function planChange(
  record: CapturedRecord,
  set: RuleSet,
  sequenceNumber: string,
  marks: ReadonlyMap<number, BulkMark> = new Map(),
  counts: PlanCounts = { skipped: 0 },
): RuleDelivery[] {
  if (record.kind === 'invalid') throw new InvalidChangeRecordError(sequenceNumber, record.reason);
  if (record.kind === 'transaction-end') {
    const mark = marks.get(record.txId);
    if (mark?.reason !== 'marked') return [];
    return set.rules
      .filter((rule) => rule.bulk === 'skip' && (record.changes[rule.table] ?? 0) > 0)
      .map((rule) => ({
        rule: rule.name,
        consumer: rule.target.consumer,
        lane: 'normal' as const,
        kind: 'summary' as const,
        entry: summaryEntry(
          bulkSummary(rule, record.txId, mark.migration, mark.reason, record.changes[rule.table] ?? 0),
        ),
      }));
  }
  if (record.kind !== 'change') return [];
  const keyColumn = set.keyColumns[record.table] ?? 'id';
  const mark = marks.get(record.txId);
  const bulk = mark !== undefined;
  // Only a marked transaction is skipped: an unmarked flurry may be real traffic (a burst of sign-ups), so it is
  // throttled, never dropped.
  const skips = mark?.reason === 'marked';
  const deliveries: RuleDelivery[] = [];
  for (const rule of set.rules) {
    if (!matchRule(record, rule)) continue;
    if (skips && rule.bulk === 'skip') {
      counts.skipped++;
      continue;
    }
    deliveries.push({
      rule: rule.name,
      consumer: rule.target.consumer,
      lane: bulk ? 'bulk' : 'normal',
      kind: 'change',
      entry: ruleEntry(ruleMessage(record, rule, keyColumn), rule, record),
    });
  }
  return deliveries;
}
