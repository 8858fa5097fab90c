import {
  applyChange,
  emptyJoinedState,
  heldShipments,
  type JoinedState,
  joinedView,
  type OrderView,
  type TableChange,
} from '../../lambdas/joined-view/joined-view.ts';

/** A change as the source committed it: `commit` is its place in the commit order (as an LSN would be). */
export interface CommittedChange {
  commit: number;
  change: TableChange;
}

/** Small seeded PRNG (mulberry32), so a failing run can be repeated from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A plausible source history for `orders` orders, their steps interleaved across orders: placed → confirmed (or
 * payment_failed, and no shipment) → a shipment made for the confirmed version, packed → shipped → delivered →
 * the order completed. Each row carries its version; a shipment row carries the order version it was made for.
 */
export function sourceHistory(orders: number, random: () => number): CommittedChange[] {
  const steps = Array.from({ length: orders }, (_, i) =>
    orderSteps(`o-${String(i).padStart(4, '0')}`, random),
  );
  const history: CommittedChange[] = [];
  while (steps.some((s) => s.length > 0)) {
    const open = steps.filter((s) => s.length > 0);
    const next = open[Math.floor(random() * open.length)]?.shift();
    if (next !== undefined) history.push({ commit: history.length, change: next });
  }
  return history;
}

function orderSteps(id: string, random: () => number): TableChange[] {
  const order = (status: string, version: number): TableChange => ({
    table: 'orders',
    row: { id, status, version },
  });
  if (random() < 0.1) return [order('pending', 1), order('payment_failed', 2)];
  const shipment = (status: string, version: number): TableChange => ({
    table: 'shipments',
    row: { id: `s-${id}`, orderId: id, status, version, orderVersion: 2 },
  });
  return [
    order('pending', 1),
    order('confirmed', 2),
    shipment('packed', 1),
    shipment('shipped', 2),
    shipment('delivered', 3),
    order('completed', 3),
  ];
}

export interface HostileOptions {
  /** How far (in commits) one table's stream may lag; each table gets its own lag per burst. */
  maxLag: number;
  /** Share of changes delivered a second time, later (at-least-once). */
  duplicateRate: number;
}

/**
 * The delivery order of a hostile transport: each table's stream lags by its own amount that changes in bursts
 * (so the two tables interleave, reorder and arrive early or late relative to each other), per-key order kept as
 * Kinesis and SQS FIFO keep it, and some changes delivered again later.
 */
export function hostileDelivery(
  history: readonly CommittedChange[],
  random: () => number,
  options: HostileOptions,
): CommittedChange[] {
  const lastAt = new Map<string, number>();
  const lag = { orders: 0, shipments: 0 };
  const timed: { at: number; item: CommittedChange }[] = [];
  for (const item of history) {
    if (item.commit % 20 === 0) {
      lag.orders = random() * options.maxLag;
      lag.shipments = random() * options.maxLag;
    }
    const key = `${item.change.table}/${item.change.row.id}`;
    const at = Math.max(item.commit + lag[item.change.table] + random(), (lastAt.get(key) ?? -1) + 0.001);
    lastAt.set(key, at);
    timed.push({ at, item });
    if (random() < options.duplicateRate) timed.push({ at: at + random() * options.maxLag * 2, item });
  }
  return timed.sort((a, b) => a.at - b.at).map((t) => t.item);
}

/** Pairs of changes of different tables delivered in the opposite order to their commits. */
export function reorderedPairs(delivered: readonly CommittedChange[]): number {
  let pairs = 0;
  for (let i = 0; i < delivered.length; i++)
    for (let j = i + 1; j < delivered.length; j++) {
      const [a, b] = [delivered[i]!, delivered[j]!];
      if (a.change.table !== b.change.table && a.commit > b.commit) pairs++;
    }
  return pairs;
}

const viewDiffs = (a: readonly OrderView[], b: readonly OrderView[]) => {
  const index = new Map(b.map((v) => [v.orderId, JSON.stringify(v)]));
  const missing = b.filter((v) => !a.some((w) => w.orderId === v.orderId)).length;
  return a.filter((v) => index.get(v.orderId) !== JSON.stringify(v)).length + missing;
};

/**
 * Shown states that never existed in the source: a shipment beside an order version older than the one the
 * shipment was written for (judged from the source's own rows, not from what the view believes).
 */
function impossibleStates(view: readonly OrderView[], source: ReadonlyMap<string, number>): number {
  let count = 0;
  for (const order of view)
    for (const shipment of order.shipments) {
      const madeFor = source.get(`${shipment.id}@${shipment.version}`);
      if (madeFor === undefined || madeFor > order.version) count++;
    }
  return count;
}

/** The view and the buffered count of a read model over the joined state (the real one by default). */
export interface ReadModel {
  view: (state: JoinedState) => OrderView[];
  held: (state: JoinedState) => number;
}

/**
 * The control: a read model without buffering of the early side, which shows every shipment whose order it knows,
 * at whatever version. The drill runs it beside the real one to show the impossible-state check can fail.
 */
export const unbufferedModel: ReadModel = {
  view: (state) =>
    joinedView(state).map((order) => ({
      ...order,
      shipments: [...state.shipments.values()]
        .filter((s) => s.orderId === order.orderId)
        .map((s) => ({ id: s.id, status: s.status, version: s.version }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    })),
  held: () => 0,
};

export interface CrossTableOutcome {
  events: number;
  reorderedPairs: number;
  /** Orders whose view differs from the source's final join. */
  finalDiffs: number;
  impossibleStatesSeen: number;
  /** Orders that differ after the whole delivery is replayed on the final state, and after a second delivery. */
  replayDiffs: number;
  /** Most shipments held back at once (the early side buffered). */
  maxHeld: number;
}

/** Runs the read model over one hostile delivery of `history` and measures it against the source. */
export function crossTableOutcome(
  history: readonly CommittedChange[],
  delivered: readonly CommittedChange[],
  secondDelivery: readonly CommittedChange[],
  model: ReadModel = { view: joinedView, held: heldShipments },
): CrossTableOutcome {
  const { view, held } = model;
  const madeFor = new Map<string, number>();
  for (const { change } of history)
    if (change.table === 'shipments')
      madeFor.set(`${change.row.id}@${change.row.version}`, change.row.orderVersion);
  const apply = (from: JoinedState, items: readonly CommittedChange[]) =>
    items.reduce((state, item) => applyChange(state, item.change), from);
  const expected = view(apply(emptyJoinedState, history));

  let state = emptyJoinedState;
  let impossible = 0;
  let maxHeld = 0;
  for (const item of delivered) {
    const next = applyChange(state, item.change);
    if (next !== state) impossible += impossibleStates(view(next), madeFor);
    maxHeld = Math.max(maxHeld, held(next));
    state = next;
  }
  const final = view(state);
  return {
    events: delivered.length,
    reorderedPairs: reorderedPairs(delivered),
    finalDiffs: viewDiffs(final, expected),
    impossibleStatesSeen: impossible,
    replayDiffs:
      viewDiffs(view(apply(state, delivered)), final) +
      viewDiffs(view(apply(emptyJoinedState, secondDelivery)), final),
    maxHeld,
  };
}
