import pLimit from 'p-limit';
import type { Order } from '../orders/order.ts';
import type { OrderTransition, PendingCursor, StuckOrder } from '../orders/order-store.ts';
import type { GatewayRecord } from './decide.ts';
import { decide } from './decide.ts';

export interface ReconcileDeps {
  /** Orders still `pending`, placed before `olderThan`, after `cursor` in (createdAt, id) order, at most `limit`. */
  stuckOrders(olderThan: Date, cursor: PendingCursor | undefined, limit: number): Promise<StuckOrder[]>;
  lookUp(orderId: string): Promise<GatewayRecord>;
  /** transitionOrder: the guarded change plus its outbox event; undefined if the order moved meanwhile. */
  transition(change: OrderTransition): Promise<Order | undefined>;
  /** Emits `OrderPaymentRequested` for a still-pending order not asked for within the interval; false if not. */
  requestPayment(orderId: string, intervalSeconds: number): Promise<boolean>;
}

export interface ReconcileOptions {
  now: Date;
  /** Pending longer than this is stuck. */
  deadlineSeconds: number;
  /** Orders read per page. */
  pageSize: number;
  /** Look-ups in flight at once. */
  concurrency: number;
  redriveIntervalSeconds: number;
  giveUpAfterSeconds: number;
  /** Milliseconds left in the invocation; no new page starts with less than `reserveMs` left. */
  timeLeftMs: () => number;
  reserveMs: number;
}

export interface ReconcileSummary {
  /** Pending past the deadline and looked at by this run. */
  stuck: number;
  /** Settled by this run from the gateway's record (event emitted through the outbox). */
  resolved: number;
  /** No charge at the gateway: the payment was asked for again. */
  redriven: number;
  /** No charge, asked for recently: left pending. */
  noCharge: number;
  /** No charge past the final deadline: moved to payment_failed with a reason. */
  givenUp: number;
  /** Settled by someone else between the query and the update. */
  alreadySettled: number;
  /** Look-ups or updates that failed; retried next run. */
  failed: number;
  /** Pages read; `complete` is false when the run stopped for time with orders left. */
  pages: number;
  complete: boolean;
  /** Longest placed → resolved time among the resolved orders (0 when none). */
  maxResolveSeconds: number;
  resolvedOrders: Array<{ orderId: string; to: Order['status']; resolveSeconds: number }>;
}

/**
 * One reconciler run: pages through every order pending past the deadline with a keyset cursor, so a hundred
 * orders that cannot be resolved never hide a newer one, looking each up at the gateway concurrently. Each order
 * is resolved from its charge, re-driven, or given up on (`decide`); one that fails is counted and retried next
 * run, and never stops the others.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileSummary> {
  const olderThan = new Date(options.now.getTime() - options.deadlineSeconds * 1000);
  const summary: ReconcileSummary = {
    stuck: 0,
    resolved: 0,
    redriven: 0,
    noCharge: 0,
    givenUp: 0,
    alreadySettled: 0,
    failed: 0,
    pages: 0,
    complete: false,
    maxResolveSeconds: 0,
    resolvedOrders: [],
  };
  const limit = pLimit(options.concurrency);
  let cursor: PendingCursor | undefined;
  while (options.timeLeftMs() > options.reserveMs) {
    const page = await deps.stuckOrders(olderThan, cursor, options.pageSize);
    summary.pages++;
    summary.stuck += page.length;
    await Promise.all(page.map((order) => limit(() => settle(order, deps, options, summary))));
    const last = page.at(-1);
    if (!last || page.length < options.pageSize) {
      summary.complete = true;
      break;
    }
    cursor = { createdAt: last.createdAt, id: last.id };
  }
  return summary;
}

async function settle(
  order: StuckOrder,
  deps: ReconcileDeps,
  options: ReconcileOptions,
  summary: ReconcileSummary,
): Promise<void> {
  try {
    const resolution = decide(order, await deps.lookUp(order.id), options);
    switch (resolution.kind) {
      case 'already-settled':
        summary.alreadySettled++;
        return;
      case 'no-charge':
        summary.noCharge++;
        return;
      case 'redrive':
        if (await deps.requestPayment(order.id, options.redriveIntervalSeconds)) summary.redriven++;
        else summary.noCharge++;
        return;
      case 'give-up': {
        const moved = await deps.transition({
          orderId: order.id,
          ...resolution.transition,
          payload: { reason: resolution.reason, resolvedBy: 'reconcile' },
          traceContext: null,
          expectedVersion: order.version,
        });
        if (moved) summary.givenUp++;
        else summary.alreadySettled++;
        return;
      }
      case 'resolve': {
        const moved = await deps.transition({
          orderId: order.id,
          ...resolution.transition,
          payload: { chargeId: resolution.chargeId, resolvedBy: 'reconcile' },
          traceContext: null,
        });
        if (!moved) {
          summary.alreadySettled++;
          return;
        }
        const resolveSeconds = (Date.parse(moved.updatedAt) - Date.parse(order.createdAt)) / 1000;
        summary.resolved++;
        summary.maxResolveSeconds = Math.max(summary.maxResolveSeconds, resolveSeconds);
        summary.resolvedOrders.push({ orderId: order.id, to: resolution.transition.to, resolveSeconds });
      }
    }
  } catch {
    summary.failed++;
  }
}
