import type { ChangeConsumerName } from '../shared/change-consumers.ts';
import type { CapturedRecord } from './change.ts';
import { InvalidChangeRecordError } from './errors.ts';
import { matchRule } from './match.ts';
import type { ChangeRule } from './rule.ts';
import { type RuleEntry, ruleEntry, ruleMessage } from './rule-message.ts';

/** The rules in force and each captured table's key column (from the capture plan). */
export interface RuleSet {
  rules: readonly ChangeRule[];
  keyColumns: Readonly<Record<string, string>>;
}

/** One piece of work to send. */
export interface RuleDelivery {
  rule: string;
  consumer: ChangeConsumerName;
  entry: RuleEntry;
}

/**
 * What the change router does with one record, without I/O: the deliveries of every rule it matches (none for
 * heartbeats, snapshot reads, WAL messages and changes no rule wants). Throws InvalidChangeRecordError for data
 * it cannot read, and the rule errors of matchRule / ruleMessage: the caller quarantines the record with them.
 */
export function planChange(record: CapturedRecord, set: RuleSet, sequenceNumber: string): RuleDelivery[] {
  if (record.kind === 'invalid') throw new InvalidChangeRecordError(sequenceNumber, record.reason);
  if (record.kind !== 'change') return [];
  const keyColumn = set.keyColumns[record.table] ?? 'id';
  return set.rules
    .filter((rule) => matchRule(record, rule))
    .map((rule) => ({
      rule: rule.name,
      consumer: rule.target.consumer,
      entry: ruleEntry(ruleMessage(record, rule, keyColumn), rule, record),
    }));
}
