/** Counters per event-source mapping; fields that do not apply to a source stay 0. */
export interface MappingStats {
  kind: 'sqs' | 'kinesis';
  enabled: boolean;
  /** Invocations made for this mapping. */
  batches: number;
  /** Records/messages delivered, counting redeliveries. */
  records: number;
  /** Invocations that failed or reported item failures. */
  failedBatches: number;
  /** SQS: messages deleted after processing. */
  deleted: number;
  /** SQS: the most receive loops that ran at once (they scale with the backlog). */
  peakPollers: number;
  /** Kinesis: retries of a failed batch (each consumed a retry attempt). */
  retries: number;
  /** Kinesis: splits of a failed batch in two. */
  bisections: number;
  /** Kinesis: records skipped after retries ran out or the records aged out. */
  discarded: number;
  /** Kinesis: on-failure records sent to the destination. */
  onFailureSent: number;
}

export function emptyMappingStats(kind: MappingStats['kind'], enabled: boolean): MappingStats {
  return {
    kind,
    enabled,
    batches: 0,
    records: 0,
    failedBatches: 0,
    deleted: 0,
    peakPollers: 0,
    retries: 0,
    bisections: 0,
    discarded: 0,
    onFailureSent: 0,
  };
}
