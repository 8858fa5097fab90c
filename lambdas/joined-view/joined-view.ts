/**
 * A read model that joins two captured tables, `orders` and `shipments`, without assuming any order between
 * them: change events of one table may arrive before, after or interleaved with the other's, late, and more
 * than once. Only the per-key order of one table's changes is assumed, and even that is not relied on: every
 * row carries its own `version`, so a change at or below the version held is a duplicate or stale, and ignored.
 *
 * How the join stays honest: a shipment row says which order version it was made for (`orderVersion`, the order's
 * version when the shipment was written, so in the source the order is always at least there). A shipment whose
 * order is not known yet, or is known only at an older version, is held back (buffered) and shown as soon as the
 * order catches up. So the view never pairs a shipment with an order state it did not exist beside (a shipment
 * for a pending order), and once every change has arrived it equals the join of the source tables.
 */

export interface OrderRow {
  id: string;
  status: string;
  version: number;
}

export interface ShipmentRow {
  id: string;
  orderId: string;
  status: string;
  version: number;
  /** The order's version when this shipment row was written. */
  orderVersion: number;
}

export type TableChange = { table: 'orders'; row: OrderRow } | { table: 'shipments'; row: ShipmentRow };

export interface JoinedState {
  orders: ReadonlyMap<string, OrderRow>;
  shipments: ReadonlyMap<string, ShipmentRow>;
}

/** One order as the read model shows it: the order and the shipment rows that can be shown beside it. */
export interface OrderView {
  orderId: string;
  status: string;
  version: number;
  shipments: readonly { id: string; status: string; version: number }[];
}

export const emptyJoinedState: JoinedState = { orders: new Map(), shipments: new Map() };

/** The state after one change; the same state object when the change is a duplicate or older than held. */
export function applyChange(state: JoinedState, change: TableChange): JoinedState {
  if (change.table === 'orders') {
    const held = state.orders.get(change.row.id);
    if (held !== undefined && held.version >= change.row.version) return state;
    return { ...state, orders: new Map(state.orders).set(change.row.id, change.row) };
  }
  const held = state.shipments.get(change.row.id);
  if (held !== undefined && held.version >= change.row.version) return state;
  return { ...state, shipments: new Map(state.shipments).set(change.row.id, change.row) };
}

/** The view of every known order; shipments whose order has not reached their `orderVersion` are held back. */
export function joinedView(state: JoinedState): OrderView[] {
  const byOrder = new Map<string, ShipmentRow[]>();
  for (const shipment of state.shipments.values()) {
    const order = state.orders.get(shipment.orderId);
    if (order === undefined || order.version < shipment.orderVersion) continue;
    byOrder.set(shipment.orderId, [...(byOrder.get(shipment.orderId) ?? []), shipment]);
  }
  return [...state.orders.values()]
    .map((order) => ({
      orderId: order.id,
      status: order.status,
      version: order.version,
      shipments: (byOrder.get(order.id) ?? [])
        .map((s) => ({ id: s.id, status: s.status, version: s.version }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    }))
    .sort((a, b) => a.orderId.localeCompare(b.orderId));
}

/** Shipments held back because their order is missing or behind: how much of the early side is buffered. */
export function heldShipments(state: JoinedState): number {
  let held = 0;
  for (const shipment of state.shipments.values()) {
    const order = state.orders.get(shipment.orderId);
    if (order === undefined || order.version < shipment.orderVersion) held++;
  }
  return held;
}
