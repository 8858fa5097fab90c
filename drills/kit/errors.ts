/** A fault was asked of a part that has no live process (not started, or already killed and not restarted). */
export class FaultTargetError extends Error {
  override name = 'FaultTargetError';
  constructor(readonly target: string) {
    super(`${target} has no running process to inject a fault into`);
  }
}

/**
 * A call to the order API that did not get a 2xx. `status` is the HTTP status, or 0 when no answer came at all
 * (network error or the client's timeout; then `cause` is fetch's error); `body` is the answer's text ('' for 0).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** e.g. `POST /orders` */
    readonly request: string,
    readonly status: number,
    readonly body: string,
    options?: ErrorOptions & { retryAfterMs?: number },
  ) {
    super(
      status === 0
        ? `${request}: no answer (${(options?.cause as Error | undefined)?.message ?? 'network error'})`
        : `${request} answered ${status}: ${body}`,
      options,
    );
    this.retryAfterMs = options?.retryAfterMs;
  }
  /** The answer's Retry-After in ms (a 503 while the order store is down), when it had one. */
  readonly retryAfterMs: number | undefined;
}
