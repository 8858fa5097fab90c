import { IDEMPOTENCY_KEY_HEADER, PROVIDER_TIMEOUT_MS } from '../providers/contract.ts';
import { logExcerpt } from '../shared/log-excerpt.ts';
import { ConsumerError } from './errors.ts';

/** The downstream service could not be reached, timed out, or answered 5xx, 408 or 429: an outage, retried. */
export class EffectUnavailableError extends ConsumerError {
  override name = 'EffectUnavailableError';
  readonly dependencyUnavailable = true;
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(`side-effect service ${url} unavailable${status ? ` (HTTP ${status})` : ''}`, options);
  }
}

/**
 * The downstream service refused the request itself (any other 4xx): a bug or bad data, which no retry fixes, so
 * the message is quarantined with this reason at once rather than waited on for the outage budget.
 */
export class EffectRejectedError extends ConsumerError {
  override name = 'EffectRejectedError';
  override readonly permanent = true;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`side-effect service ${url} rejected the request: HTTP ${status} ${body}`);
  }
}

/**
 * POSTs one side effect (a stock reservation, a customer message) to a downstream service. `idempotencyKey`, when
 * given, is sent as `Idempotency-Key` for services that honour one; the notification service (like most mail
 * providers) does not, so for it the consumer's own dedupe is the only protection.
 */
export async function postEffect(
  url: string,
  body: Record<string, unknown>,
  idempotencyKey?: string,
  timeoutMs = PROVIDER_TIMEOUT_MS,
): Promise<{ status: number; body: string }> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(idempotencyKey ? { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Inside the try: the timeout covers the body too, and a connection cut mid-body is an outage.
    text = await response.text();
  } catch (error) {
    throw new EffectUnavailableError(url, undefined, { cause: error });
  }
  const status = response.status;
  if (status >= 500 || status === 408 || status === 429) throw new EffectUnavailableError(url, status);
  if (!response.ok) throw new EffectRejectedError(url, status, logExcerpt(text));
  // The answer's body is not part of the contract: a 2xx is the effect done (or already done, for a repeat key).
  return { status, body: text };
}
