import type { FifoArmResult } from './fifo-arm.ts';
import type { Keying } from './keying.ts';
import type { KinesisArmResult } from './kinesis-arm.ts';

/** A fixed keying's whale and others must see p99 under this (consumer processed − due): no backlog built. */
export const fixedP99BoundMs = 1500;

export interface Verdict {
  passed: boolean;
  /** Each rule and whether it held, for the report. */
  rules: Record<string, boolean>;
}

/**
 * The pass rule (drills/hot-key/README.md): nothing lost and no per-order violation anywhere; the hot key is
 * real (the customer keying throttles and skews the shards); the salted keying fixes it at the key level with
 * the same shards (no p99 over the bound); in FIFO the whale's per-customer group is serialized and per-order
 * groups serve the whale faster.
 */
export function verdict(kinesis: KinesisArmResult[], fifo: FifoArmResult[]): Verdict {
  const arm = (k: Keying) => kinesis.find((a) => a.keying === k)!.metrics;
  const group = (g: FifoArmResult['whaleGroup']) => fifo.find((a) => a.whaleGroup === g)!.metrics;
  const customer = arm('customer');
  const salted = arm('salted');
  const all = [...kinesis.map((a) => a.metrics), ...fifo.map((a) => a.metrics)];
  const rules = {
    nothingLost: all.every((m) => m.lost === 0),
    noOrderViolations: all.every((m) => m.orderViolations === 0),
    customerKeyThrottled: customer.throttledRecords > 0,
    customerKeySkewsShards: customer.shardRecordsMax >= 3 * Math.max(1, customer.shardRecordsMin),
    saltedWithinBound: salted.whaleP99Ms <= fixedP99BoundMs && salted.othersP99Ms <= fixedP99BoundMs,
    saltedFasterThanCustomer: salted.whaleP99Ms < customer.whaleP99Ms,
    fifoCustomerGroupSerial: group('per-customer').whaleMaxParallel === 1,
    fifoOrderGroupsFaster: group('per-order').whaleP99Ms < group('per-customer').whaleP99Ms,
  };
  return { passed: Object.values(rules).every(Boolean), rules };
}
