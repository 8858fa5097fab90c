/** Base of the reconciler's errors. */
export class ReconcileError extends Error {
  override name = 'ReconcileError';
}

/** The gateway's look-up failed (network or 5xx): the order stays stuck until the next run. */
export class GatewayLookupError extends ReconcileError {
  override name = 'GatewayLookupError';
  constructor(
    readonly orderId: string,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(`charge look-up failed for order ${orderId}${status ? ` (HTTP ${status})` : ''}`, options);
  }
}
