import type { PlaceOrder } from '../../lambdas/orders/order.ts';
import type { OrderWriter } from './order-writer.ts';

export interface ProbeWrite {
  startedAt: number;
  ms: number;
  kind: 'place' | 'confirm';
  error?: string;
}

/** A flow order of the probe: its own customer, so it never mixes with the logical orders. */
export function probeRequest(i: number): PlaceOrder {
  return {
    customerId: 'drill-probe',
    currency: 'EUR',
    items: [{ sku: `PROBE-${i % 50}`, quantity: 1 + (i % 2), unitPriceCents: 500 + i }],
  };
}

/**
 * Orders flowing while the migrations run: one writer, back to back, placing an order and confirming it, each
 * transaction timed. A migration's write pause is the slowest of these that overlapped it: a writer queued behind a
 * lock shows up as one long write.
 */
export function startWriteProbe(writer: OrderWriter): { stop(): Promise<ProbeWrite[]> } {
  const writes: ProbeWrite[] = [];
  let running = true;
  const timed = async (kind: ProbeWrite['kind'], work: () => Promise<unknown>) => {
    const startedAt = Date.now();
    try {
      await work();
      writes.push({ startedAt, ms: Date.now() - startedAt, kind });
      return true;
    } catch (error) {
      writes.push({ startedAt, ms: Date.now() - startedAt, kind, error: (error as Error).message });
      return false;
    }
  };
  const loop = (async () => {
    for (let i = 0; running; i++) {
      let orderId: string | undefined;
      await timed('place', async () => {
        orderId = (await writer.place(probeRequest(i))).id;
      });
      if (orderId !== undefined) {
        const id = orderId;
        await timed('confirm', () => writer.confirm(id, `probe-charge-${i}`));
      }
      // A short breath: a steady flow, not a saturating one (the machine's two cores run the whole cloud).
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return writes;
    },
  };
}

/** The slowest probe write that overlapped [from, to]; 0 when none did. */
export function maxPauseMs(writes: readonly ProbeWrite[], from: number, to: number): number {
  let max = 0;
  for (const w of writes) if (w.startedAt <= to && w.startedAt + w.ms >= from) max = Math.max(max, w.ms);
  return max;
}
