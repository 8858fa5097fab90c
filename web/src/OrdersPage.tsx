import { useQueries, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, getOrder, listOrders } from './api.ts';
import { OrderForm } from './OrderForm.tsx';
import {
  money,
  type Order,
  observe,
  ordersToWatch,
  type Seen,
  type SeenOrders,
  statusText,
  visibleOrders,
} from './orders.ts';
import type { Session } from './session.ts';

const listPollMs = 2000;
const watchPollMs = 500;
const ownKey = (customerId: string) => `holdline.own.${customerId}`;

/** Own placed orders survive a reload of the tab during the consistency window. */
function loadOwn(customerId: string): SeenOrders {
  const raw = sessionStorage.getItem(ownKey(customerId));
  return new Map(raw ? (JSON.parse(raw) as Array<[string, Seen]>) : []);
}

export function OrdersPage(props: { session: Session; onSignOut: () => void }) {
  const { token, customerId } = props.session;
  const [seen, setSeen] = useState<SeenOrders>(() => loadOwn(customerId));
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const own = [...seen].filter(([, s]) => s.placedAt !== undefined);
    sessionStorage.setItem(ownKey(customerId), JSON.stringify(own));
  }, [seen, customerId]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  // The eventually consistent list (order view). Merged into `seen`, never substituted for it.
  const list = useQuery({
    queryKey: ['orders', customerId],
    queryFn: () => listOrders(token),
    refetchInterval: listPollMs,
  });
  useEffect(() => {
    if (list.data) setSeen((s) => observe(s, list.data.orders, 'list'));
  }, [list.data]);

  // Authoritative reads (Postgres) of our own orders until they settle: confirmed is shown only when one says so.
  const listIds = useMemo(() => new Set(list.data?.orders.map((o) => o.id) ?? []), [list.data]);
  const watched = ordersToWatch(seen, listIds);
  const watches = useQueries({
    queries: watched.map((id) => ({
      queryKey: ['order', customerId, id],
      queryFn: () => getOrder(token, id),
      refetchInterval: watchPollMs,
    })),
  });
  const watchedData = watches.map((w) => w.data).filter((o): o is Order => o !== undefined);
  const watchedKey = watchedData.map((o) => `${o.id}:${o.version}`).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: watchedKey changes exactly when watchedData does
  useEffect(() => {
    if (watchedData.length) setSeen((s) => observe(s, watchedData, 'authoritative'));
  }, [watchedKey]);

  const onPlaced = (order: Order) => setSeen((s) => observe(s, [order], 'placed', Date.now()));
  const orders = visibleOrders(seen);
  const unauthorized =
    list.error instanceof ApiError && (list.error.status === 401 || list.error.status === 403);

  return (
    <>
      <header className="bar">
        <h1>Holdline orders</h1>
        <span className="who">
          Signed in as <strong>{customerId}</strong>{' '}
          <button type="button" className="link" onClick={props.onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        <OrderForm token={token} onPlaced={onPlaced} />
        <section className="card" aria-labelledby="orders-title">
          <div className="row spread">
            <h2 id="orders-title">Your orders</h2>
            <button
              type="button"
              data-testid="refresh"
              onClick={() => void list.refetch()}
              disabled={list.isFetching}
            >
              {list.isFetching ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
          {unauthorized && (
            <p role="alert" className="error">
              Your sign-in has expired. Please sign in again.
            </p>
          )}
          {list.isError && !unauthorized && (
            <p role="alert" className="error">
              Could not refresh the list ({(list.error as Error).message}); showing what we last knew.
            </p>
          )}
          {orders.length === 0 ? (
            <p className="hint">{list.isPending ? 'Loading…' : 'No orders yet.'}</p>
          ) : (
            <ul className="orders" aria-live="polite" aria-relevant="additions text">
              {orders.map((seenOrder) => (
                <OrderRow key={seenOrder.order.id} seen={seenOrder} now={now} />
              ))}
            </ul>
          )}
          <p className="hint">
            New orders show at once; the full list can lag a second or two behind, and never hides an order
            you just placed.
          </p>
        </section>
      </main>
    </>
  );
}

function OrderRow({ seen, now }: { seen: Seen; now: number }) {
  const { order } = seen;
  const text = statusText(seen, now);
  return (
    <li
      className={`order status-${order.status}`}
      data-testid="order-row"
      data-order-id={order.id}
      data-status={order.status}
      data-version={order.version}
    >
      <div className="row spread">
        <span className={`badge ${order.status}`} data-testid="order-status">
          {text.label}
        </span>
        <span className="amount">{money(order.totalCents, order.currency)}</span>
      </div>
      <div className="detail">{text.detail}</div>
      <div className="meta">
        {order.items.map((i) => `${i.quantity} × ${i.sku}`).join(', ')} · order{' '}
        <code title={order.id}>{order.id.slice(-12)}</code> · {new Date(order.createdAt).toLocaleTimeString()}
      </div>
    </li>
  );
}
