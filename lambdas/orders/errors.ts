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

/** An outbox event whose payload does not match its event type's published contract (lambdas/orders/event-payloads.ts). */
export class EventPayloadError extends OrderError {
  override name = 'EventPayloadError';
  constructor(
    readonly eventType: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${eventType} payload breaks its contract: ${reason}`, { cause });
  }
}
