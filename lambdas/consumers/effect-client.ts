import { ConsumerError } from './errors.ts';

/** The downstream service could not be reached or answered 5xx: retry later (visibility timeout). */
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
 * POSTs one side effect (a stock reservation, a customer message) to a downstream service. `idempotencyKey`, when
 * given, is sent as `Idempotency-Key` for services that honour one; the notification service (like most mail
 * providers) does not, so for it the consumer's own dedupe is the only protection.
 */
export async function postEffect(
  url: string,
  body: Record<string, unknown>,
  idempotencyKey?: string,
  timeoutMs = 5000,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new EffectUnavailableError(url, undefined, { cause: error });
  }
  if (!response.ok) throw new EffectUnavailableError(url, response.status);
  return { status: response.status, body: await response.json() };
}
