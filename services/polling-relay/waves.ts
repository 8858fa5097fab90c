/**
 * Publishing a claim without letting one aggregate's events overtake each other.
 *
 * Kinesis PutRecords is not all-or-nothing: a failed entry (throttling, an internal error) does not stop the
 * entries after it, so with two events of one order in one call, the second can land while the first must be
 * retried — out of order for good. So a call carries at most ONE record per aggregate ("waves"): wave 1 has
 * each aggregate's first event, wave 2 the second, and so on. A failed entry is retried in the next wave,
 * before anything after it of the same aggregate; after `maxAttempts` the rest of that aggregate is held back
 * (stays unsent, so a later poll sends it, still in order). Other aggregates keep flowing.
 */

export interface OrderedRecord {
  eventId: string;
  /** The Kinesis partition key: same aggregate → same shard, in order. */
  aggregateId: string;
  data: string;
}

export interface EntryResult {
  ok: boolean;
  /** Kinesis ErrorCode of a failed entry. */
  errorCode?: string | undefined;
}

/** One PutRecords call: one result per entry, in entry order. Throwing fails the whole call. */
export type PutBatch = (entries: readonly OrderedRecord[]) => Promise<EntryResult[]>;

export interface WaveOptions {
  /** Records per call (PutRecords takes at most 500). Default 500. */
  maxPerCall?: number;
  /** Attempts per record before its aggregate is held back. Default 3. */
  maxAttempts?: number;
  /** Waits between a wave with failures and the next: attempt × this. Default 100 ms. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface WaveOutcome {
  /** Event ids Kinesis accepted, in the order they were accepted. */
  sent: string[];
  /** Event ids not sent (their aggregate gave up after `maxAttempts`): they stay unsent. */
  heldBack: string[];
  calls: number;
  failedEntries: number;
}

/** Publishes `records` (each aggregate's in sequence order) in waves; see the module comment. */
export async function publishInWaves(
  records: readonly OrderedRecord[],
  put: PutBatch,
  options: WaveOptions = {},
): Promise<WaveOutcome> {
  const maxPerCall = options.maxPerCall ?? 500;
  const maxAttempts = options.maxAttempts ?? 3;
  const backoffMs = options.backoffMs ?? 100;
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  if (maxPerCall < 1 || maxPerCall > 500) throw new RangeError('maxPerCall must be 1..500');
  if (maxAttempts < 1) throw new RangeError('maxAttempts must be ≥ 1');

  const queues = new Map<string, OrderedRecord[]>();
  for (const record of records) {
    const queue = queues.get(record.aggregateId);
    if (queue) queue.push(record);
    else queues.set(record.aggregateId, [record]);
  }
  const attempts = new Map<string, number>();
  const outcome: WaveOutcome = { sent: [], heldBack: [], calls: 0, failedEntries: 0 };
  while (queues.size > 0) {
    const wave = [...queues.values()].slice(0, maxPerCall).map((queue) => queue[0]!);
    outcome.calls += 1;
    const results = await put(wave).catch(() => wave.map(() => ({ ok: false }) as EntryResult));
    if (results.length !== wave.length)
      throw new Error(`PutRecords returned ${results.length} results for ${wave.length} entries`);
    let worstAttempt = 0;
    wave.forEach((record, i) => {
      const queue = queues.get(record.aggregateId)!;
      if (results[i]!.ok) {
        outcome.sent.push(record.eventId);
        attempts.delete(record.aggregateId);
        queue.shift();
        if (queue.length === 0) queues.delete(record.aggregateId);
        return;
      }
      outcome.failedEntries += 1;
      const attempt = (attempts.get(record.aggregateId) ?? 0) + 1;
      attempts.set(record.aggregateId, attempt);
      worstAttempt = Math.max(worstAttempt, attempt);
      if (attempt >= maxAttempts) {
        outcome.heldBack.push(...queue.map((r) => r.eventId));
        queues.delete(record.aggregateId);
      }
    });
    if (worstAttempt > 0 && queues.size > 0) await sleep(worstAttempt * backoffMs);
  }
  return outcome;
}
