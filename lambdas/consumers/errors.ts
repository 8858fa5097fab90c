/**
 * Base of the consumers' errors. `permanent` says whether retrying the same message can ever succeed: the failure
 * policy (`failure-policy.ts`) quarantines a permanent failure at once and backs off and retries anything else.
 */
export class ConsumerError extends Error {
  override name = 'ConsumerError';
  /** Retrying the same message cannot help. Default false: an error we do not know is assumed to pass. */
  readonly permanent: boolean = false;
}

/** A message that can never succeed, whatever the state of the world: quarantined on its first receive. */
export abstract class PermanentMessageError extends ConsumerError {
  override readonly permanent = true;
}

/** The body is not an order event (not JSON, or not the schema). */
export class MalformedMessageError extends PermanentMessageError {
  override name = 'MalformedMessageError';
  constructor(
    readonly messageId: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`message ${messageId} is not an order event: ${reason}`, options);
  }
}

/** A well-formed event of a type the router never sends to this consumer (`lambdas/router/routing.ts`). */
export class UnknownEventTypeError extends PermanentMessageError {
  override name = 'UnknownEventTypeError';
  constructor(
    readonly messageId: string,
    readonly consumer: string,
    readonly eventType: string,
  ) {
    super(`message ${messageId}: the ${consumer} consumer does not take event type "${eventType}"`);
  }
}

/** A body larger than any order event the router builds: not ours, and parsing it would only cost time. */
export class OversizeMessageError extends PermanentMessageError {
  override name = 'OversizeMessageError';
  constructor(
    readonly messageId: string,
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super(`message ${messageId} is ${bytes} bytes, over the ${limitBytes}-byte limit for an order event`);
  }
}

/** The gateway could not be reached, timed out or answered 5xx: a dependency outage (failure-policy.ts). */
export class GatewayUnavailableError extends ConsumerError {
  override name = 'GatewayUnavailableError';
  readonly dependencyUnavailable = true;
  constructor(
    readonly orderId: string,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(`payment gateway unavailable for order ${orderId}${status ? ` (HTTP ${status})` : ''}`, options);
  }
}

/**
 * The gateway refused the request itself (4xx): a bug or bad data, not a decline. Permanent, except 408 and 429
 * (timeout, rate limit), which say "try again later".
 */
export class ChargeRejectedError extends ConsumerError {
  override name = 'ChargeRejectedError';
  override readonly permanent: boolean;
  constructor(
    readonly orderId: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`payment gateway rejected the charge for order ${orderId}: HTTP ${status} ${body.slice(0, 200)}`);
    this.permanent = status !== 408 && status !== 429;
    this.dependencyUnavailable = !this.permanent;
  }
  /** 408 and 429 say the gateway is busy: an outage for the failure policy, not this order's fault. */
  readonly dependencyUnavailable: boolean;
}

/**
 * The gateway answered 2xx with something that is not a charge (not JSON, or a status we do not know). We cannot
 * tell whether it charged, so the order must stay pending and the call be retried (the idempotency key makes a
 * repeat safe); treated as the gateway misbehaving, i.e. unavailable, never as a decline.
 */
export class GatewayProtocolError extends ConsumerError {
  override name = 'GatewayProtocolError';
  readonly dependencyUnavailable = true;
  constructor(
    readonly orderId: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `payment gateway answered the charge for order ${orderId} with an unreadable body: ${reason}`,
      options,
    );
  }
}

/**
 * The event names an order the database does not have. Transient: the order and its outbox row commit together,
 * so this means a lagging read or a restore, and the retry budget decides when to give up.
 */
export class OrderNotFoundError extends ConsumerError {
  override name = 'OrderNotFoundError';
  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`);
  }
}

/** The DLQ refused the quarantined copy: the message is retried (and the queue's redrive is the backstop). */
export class QuarantineFailedError extends ConsumerError {
  override name = 'QuarantineFailedError';
  constructor(
    readonly messageId: string,
    options?: ErrorOptions,
  ) {
    super(`message ${messageId} could not be sent to the DLQ`, options);
  }
}

/**
 * Not tried: the circuit breaker is open because a dependency is down. Counts as a dependency failure for the
 * failure policy (the outage budget), and the record comes back when the breaker lets a probe through.
 */
export class CircuitOpenError extends ConsumerError {
  override name = 'CircuitOpenError';
  readonly dependencyUnavailable = true;
  constructor(
    readonly messageId: string,
    readonly lastFailure: string,
  ) {
    super(`message ${messageId} handed back untried: circuit open after "${lastFailure}"`);
  }
}

/** Not tried: too little of the invocation was left to finish it safely. Handed back to be tried at once. */
export class InvocationEndingError extends ConsumerError {
  override name = 'InvocationEndingError';
  readonly dependencyUnavailable = true;
  constructor(
    readonly messageId: string,
    readonly remainingMs: number,
  ) {
    super(`message ${messageId} handed back untried: only ${remainingMs} ms of the invocation left`);
  }
}
