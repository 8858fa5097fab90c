/** Base of the order module's errors. */
export class OrderError extends Error {
  override name = 'OrderError';
}

/** The same idempotency key came back with a different request body: refuse rather than guess. */
export class IdempotencyKeyReusedError extends OrderError {
  override name = 'IdempotencyKeyReusedError';
  constructor(
    readonly idempotencyKey: string,
    readonly orderId: string,
  ) {
    super(
      `idempotency key "${idempotencyKey}" was already used for order ${orderId} with a different request`,
    );
  }
}
