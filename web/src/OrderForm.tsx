import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiError, type NewOrder, placeOrder } from './api.ts';
import type { Order } from './orders.ts';
import { type FailedAttempt, retryDelayMs, shouldRetry } from './retry-policy.ts';

/** What TanStack Query's error tells the policy: an ApiError as it is, anything else as no answer. */
const attemptOf = (error: unknown): FailedAttempt => (error instanceof ApiError ? error : { status: 0 });

export const products = [
  { sku: 'BOOK-1', name: 'Book', unitPriceCents: 1250 },
  { sku: 'MUG-1', name: 'Mug', unitPriceCents: 800 },
  {
    sku: 'TEST-666',
    name: 'Test item (declined by the test gateway)',
    unitPriceCents: 666,
  },
] as const;

/**
 * Places an order. One idempotency key per draft: a retried POST (automatic on a network error or 5xx, or the
 * customer's "try again") reuses it, so a double click or a flaky network never makes two orders. The key changes
 * only once the server has answered with an order.
 */
export function OrderForm(props: { token: string; onPlaced: (order: Order) => void }) {
  const skuId = useId();
  const qtyId = useId();
  const [sku, setSku] = useState<string>(products[0].sku);
  const [quantity, setQuantity] = useState(1);
  const [draftKey, setDraftKey] = useState(() => crypto.randomUUID());
  const inFlight = useRef(false);

  const mutation = useMutation({
    mutationFn: (v: { order: NewOrder; key: string }) => placeOrder(props.token, v.order, v.key),
    // TanStack Query counts failures from 0 here; the policy counts them from 1.
    retry: (failures, error) => shouldRetry(failures + 1, attemptOf(error)),
    retryDelay: (failures, error) => retryDelayMs(failures + 1, attemptOf(error)),
    onSuccess: (order) => {
      props.onPlaced(order);
      setDraftKey(crypto.randomUUID());
    },
    onSettled: () => {
      inFlight.current = false;
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A second click in the same frame, before React re-renders the disabled button, must not send again.
    if (inFlight.current) return;
    inFlight.current = true;
    const product = products.find((p) => p.sku === sku) ?? products[0];
    mutation.mutate({
      order: {
        currency: 'USD',
        items: [{ sku: product.sku, quantity, unitPriceCents: product.unitPriceCents }],
      },
      key: draftKey,
    });
  };

  const error = mutation.error;
  return (
    <form className="card" onSubmit={submit} aria-label="Place an order">
      <h2>Place an order</h2>
      <div className="row">
        <div className="field">
          <label htmlFor={skuId}>Item</label>
          <select id={skuId} value={sku} onChange={(e) => setSku(e.target.value)}>
            {products.map((p) => (
              <option key={p.sku} value={p.sku}>
                {p.name} — ${(p.unitPriceCents / 100).toFixed(2)}
              </option>
            ))}
          </select>
        </div>
        <div className="field narrow">
          <label htmlFor={qtyId}>Quantity</label>
          <input
            id={qtyId}
            type="number"
            inputMode="numeric"
            min={1}
            max={1000}
            value={quantity}
            onChange={(e) => setQuantity(Math.max(1, Number(e.target.value) || 1))}
          />
        </div>
      </div>
      <button
        type="submit"
        data-testid="place-order"
        disabled={mutation.isPending}
        aria-busy={mutation.isPending}
      >
        {mutation.isPending ? (mutation.failureCount > 0 ? 'Retrying…' : 'Placing order…') : 'Place order'}
      </button>
      <p role="status" aria-live="polite" className="hint">
        {mutation.isPending && mutation.failureCount > 0
          ? mutation.failureReason instanceof ApiError && mutation.failureReason.status === 503
            ? `The order service is briefly unavailable; still trying with the same key (attempt ${mutation.failureCount + 1}), so no duplicate order.`
            : `The network failed; retrying with the same key (attempt ${mutation.failureCount + 1}), so no duplicate order.`
          : ''}
      </p>
      {error && !mutation.isPending && (
        <div role="alert" className="error">
          <p>
            {error instanceof ApiError && !error.retryable
              ? `The order was refused: ${error.message}`
              : error instanceof ApiError && error.status === 503
                ? 'The order service is still unavailable, so the order was not placed. Trying again is safe: it reuses the same key.'
                : 'We could not confirm the order reached us. Trying again is safe: it reuses the same key.'}
          </p>
          {error instanceof ApiError && error.retryable && <button type="submit">Try again</button>}
        </div>
      )}
    </form>
  );
}
