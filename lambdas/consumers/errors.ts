/** Base of the consumers' errors. */
export class ConsumerError extends Error {
  override name = 'ConsumerError';
}

/** The body is not an order event: retrying will not help, so it exhausts its budget and lands in the DLQ. */
export class MalformedMessageError extends ConsumerError {
  override name = 'MalformedMessageError';
  constructor(
    readonly messageId: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`message ${messageId} is not an order event: ${reason}`, options);
  }
}

/** The gateway could not be reached or answered 5xx: retry later (visibility timeout). */
export class GatewayUnavailableError extends ConsumerError {
  override name = 'GatewayUnavailableError';
  constructor(
    readonly orderId: string,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(`payment gateway unavailable for order ${orderId}${status ? ` (HTTP ${status})` : ''}`, options);
  }
}

/** The gateway refused the request itself (4xx): a bug or bad data, not a decline. */
export class ChargeRejectedError extends ConsumerError {
  override name = 'ChargeRejectedError';
  constructor(
    readonly orderId: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`payment gateway rejected the charge for order ${orderId}: HTTP ${status} ${body}`);
  }
}

export class OrderNotFoundError extends ConsumerError {
  override name = 'OrderNotFoundError';
  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`);
  }
}
