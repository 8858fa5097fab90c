import { describe, expect, it } from 'vitest';
import { type BulkMark, FlurryCounts, scanBatch } from './bulk.ts';
import type { CapturedRecord, TableChange } from './change.ts';
import { planChange, type RuleSet } from './plan.ts';
import { changeRuleSchema } from './rule.ts';
import { bulkSummarySchema } from './rule-message.ts';

const thresholds = { perTransaction: 5, perTableSecond: 8 };
const row = (txId: number, n: number, over: Partial<TableChange> = {}): TableChange => ({
  kind: 'change',
  table: 'customers',
  op: 'insert',
  before: null,
  after: { id: `c${txId}-${n}`, email: 'a@b.c', name: 'A' },
  lsn: txId * 1000 + n,
  txId,
  committedAtMs: 1_000_000 + txId * 1000,
  ...over,
});
const rows = (txId: number, count: number) => Array.from({ length: count }, (_, n) => row(txId, n));
const marker = (txId: number, content = '{"migration":"0042_backfill"}'): CapturedRecord => ({
  kind: 'message',
  prefix: 'holdline.bulk',
  content,
  lsn: txId * 1000,
  txId,
  committedAtMs: 0,
});

const set: RuleSet = {
  rules: [
    changeRuleSchema.parse({
      name: 'welcome-mail',
      table: 'customers',
      operations: ['insert'],
      target: { consumer: 'welcome-mail' },
      bulk: 'skip',
    }),
    changeRuleSchema.parse({
      name: 'audit-customers',
      table: 'customers',
      operations: ['insert'],
      target: { consumer: 'audit-log' },
    }),
  ],
  keyColumns: { customers: 'id' },
};

describe('scanBatch', () => {
  it('marks the transaction whose first message is the bulk marker, with its migration', () => {
    const scan = scanBatch([marker(7), ...rows(7, 3)], new Map(), thresholds);
    expect(scan.added).toEqual([{ txId: 7, reason: 'marked', migration: '0042_backfill' }]);
    expect(scan.flurries).toEqual([]);
  });

  it('still marks on a marker whose content is not the JSON it should be', () => {
    expect(scanBatch([marker(7, 'oops')], new Map(), thresholds).added[0]?.migration).toBe('unnamed');
  });

  it('detects an unmarked transaction over the threshold as a flurry', () => {
    const scan = scanBatch([...rows(8, 6), ...rows(9, 2)], new Map(), thresholds);
    expect(scan.flurries).toEqual([{ txId: 8, trigger: 'transaction', table: 'customers', changes: 6 }]);
    expect(scan.marks.get(8)?.reason).toBe('flurry');
    expect(scan.marks.has(9)).toBe(false);
  });

  it('counts a transaction across batches, as its rows arrive split over them', () => {
    const counts = new FlurryCounts();
    expect(scanBatch(rows(8, 3), new Map(), thresholds, counts).flurries).toEqual([]);
    const second = scanBatch(rows(8, 3), new Map(), thresholds, counts);
    expect(second.flurries).toEqual([{ txId: 8, trigger: 'transaction', table: 'customers', changes: 6 }]);
  });

  it('forgets counts older than its window', () => {
    const counts = new FlurryCounts(1000);
    scanBatch(rows(8, 3), new Map(), thresholds, counts);
    scanBatch([row(9, 0, { committedAtMs: 60_000_000 })], new Map(), thresholds, counts);
    expect(counts.perTx.has(8)).toBe(false);
  });

  it('detects many small transactions of one table in one second', () => {
    const burst = Array.from({ length: 9 }, (_, n) => row(100 + n, 0, { committedAtMs: 5_000_500 }));
    const scan = scanBatch(burst, new Map(), thresholds);
    expect(scan.flurries.map((f) => f.trigger)).toEqual(Array(9).fill('table'));
  });

  it('does not call a marked transaction a flurry in a later batch that holds none of its rows', () => {
    const counts = new FlurryCounts();
    expect(scanBatch([marker(7), ...rows(7, 20)], new Map(), thresholds, counts).flurries).toEqual([]);
    // The router looks marks up only for the batch's own transactions: 7 is not among them.
    expect(scanBatch([row(9, 0)], new Map(), thresholds, counts).flurries).toEqual([]);
  });

  it('reports a flurry once, not again in each later batch without its rows', () => {
    const counts = new FlurryCounts();
    expect(scanBatch(rows(8, 6), new Map(), thresholds, counts).flurries).toHaveLength(1);
    expect(scanBatch([row(9, 0)], new Map(), thresholds, counts).flurries).toEqual([]);
  });

  it('does not call a change a flurry for sharing its second with a marked transaction', () => {
    const second = { committedAtMs: 5_000_500 };
    const marked = [marker(7), ...rows(7, 20).map((r) => ({ ...r, ...second }))];
    const scan = scanBatch([...marked, row(9, 0, second)], new Map(), thresholds);
    expect(scan.flurries).toEqual([]);
  });

  it('does not call a change a flurry for sharing its second with an unmarked flurry', () => {
    const second = { committedAtMs: 5_000_500 };
    const scan = scanBatch(
      [...rows(8, 20).map((r) => ({ ...r, ...second })), row(9, 0, second)],
      new Map(),
      thresholds,
    );
    expect(scan.flurries.map((f) => f.txId)).toEqual([8]);
  });

  it('does not count a known bulk transaction again as a flurry', () => {
    const known = new Map<number, BulkMark>([[7, { txId: 7, reason: 'marked', migration: 'x' }]]);
    const scan = scanBatch(rows(7, 20), known, thresholds);
    expect(scan.flurries).toEqual([]);
    expect(scan.added).toEqual([]);
  });
});

describe('planChange with bulk transactions', () => {
  const marked = new Map<number, BulkMark>([[7, { txId: 7, reason: 'marked', migration: '0042_backfill' }]]);
  const flurry = new Map<number, BulkMark>([[8, { txId: 8, reason: 'flurry', migration: 'unmarked' }]]);

  it('sends ordinary changes to every matching rule on the normal lane', () => {
    const d = planChange(row(1, 0), set, 's');
    expect(d.map((x) => [x.rule, x.lane])).toEqual([
      ['welcome-mail', 'normal'],
      ['audit-customers', 'normal'],
    ]);
  });

  it('skips a marked row for a skip rule and throttles it for the others', () => {
    const counts = { skipped: 0 };
    const d = planChange(row(7, 0), set, 's', marked, counts);
    expect(d.map((x) => [x.rule, x.lane])).toEqual([['audit-customers', 'bulk']]);
    expect(counts.skipped).toBe(1);
  });

  it('throttles, never skips, an unmarked flurry', () => {
    const d = planChange(row(8, 0), set, 's', flurry);
    expect(d.map((x) => [x.rule, x.lane])).toEqual([
      ['welcome-mail', 'bulk'],
      ['audit-customers', 'bulk'],
    ]);
  });

  it("sends one summary per skipping rule at a marked transaction's end", () => {
    const end: CapturedRecord = { kind: 'transaction-end', txId: 7, changes: { customers: 50_000 } };
    const d = planChange(end, set, 's', marked);
    expect(d).toHaveLength(1);
    const summary = bulkSummarySchema.parse(JSON.parse(d[0]!.entry.MessageBody));
    expect(summary).toMatchObject({ rule: 'welcome-mail', rows: 50_000, migration: '0042_backfill' });
    // The same id however often the end is routed: SQS and the consumer drop the repeats.
    expect(planChange(end, set, 's', marked)[0]!.entry.MessageDeduplicationId).toBe(summary.changeId);
    expect(planChange(end, set, 's', flurry)).toEqual([]);
  });
});
