import type { Order } from '../orders/order.ts';
import type { OrderTransition } from '../orders/order-store.ts';
import type { GatewayRecord } from './decide.ts';
import { decide } from './decide.ts';

export interface ReconcileDeps {
  /** Orders still `pending` that were placed before `olderThan`, oldest first, at most `limit`. */
  stuckOrders(olderThan: Date, limit: number): Promise<Order[]>;
  lookUp(orderId: string): Promise<GatewayRecord>;
  /** transitionOrder: the guarded change plus its outbox event; undefined if the order moved meanwhile. */
  transition(change: OrderTransition): Promise<Order | undefined>;
}

export interface ReconcileSummary {
  /** Pending past the deadline when the run began. */
  stuck: number;
  /** Settled by this run from the gateway's record (event emitted through the outbox). */
  resolved: number;
  /** No charge at the gateway: left pending. */
  noCharge: number;
  /** Settled by someone else between the query and the update. */
  alreadySettled: number;
  /** Look-ups or updates that failed; retried next run. */
  failed: number;
  /** Longest placed → resolved time among the resolved orders (0 when none). */
  maxResolveSeconds: number;
  resolvedOrders: Array<{ orderId: string; to: Order['status']; resolveSeconds: number }>;
}

/** One reconciler run: every order pending past the deadline is resolved from the gateway, or left and counted. */
export async function reconcile(
  deps: ReconcileDeps,
  options: { now: Date; deadlineSeconds: number; limit: number },
): Promise<ReconcileSummary> {
  const olderThan = new Date(options.now.getTime() - options.deadlineSeconds * 1000);
  const stuck = await deps.stuckOrders(olderThan, options.limit);
  const summary: ReconcileSummary = {
    stuck: stuck.length,
    resolved: 0,
    noCharge: 0,
    alreadySettled: 0,
    failed: 0,
    maxResolveSeconds: 0,
    resolvedOrders: [],
  };
  for (const order of stuck) {
    try {
      const resolution = decide(order, await deps.lookUp(order.id));
      if (resolution.kind === 'no-charge') summary.noCharge++;
      if (resolution.kind === 'already-settled') summary.alreadySettled++;
      if (resolution.kind !== 'resolve') continue;
      const moved = await deps.transition({
        orderId: order.id,
        ...resolution.transition,
        payload: { chargeId: resolution.chargeId, resolvedBy: 'reconcile' },
        traceContext: null,
      });
      if (!moved) {
        summary.alreadySettled++;
        continue;
      }
      const resolveSeconds =
        (new Date(moved.updatedAt).getTime() - new Date(order.createdAt).getTime()) / 1000;
      summary.resolved++;
      summary.maxResolveSeconds = Math.max(summary.maxResolveSeconds, resolveSeconds);
      summary.resolvedOrders.push({ orderId: order.id, to: resolution.transition.to, resolveSeconds });
    } catch {
      summary.failed++;
    }
  }
  return summary;
}
