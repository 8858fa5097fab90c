/**
 * Is this failure a dependency being unavailable (the database restarting, a gateway outage, a throttled AWS
 * API), or something about the work itself? Pure: reads the error and its `cause` chain, nothing else.
 *
 * A dependency failure says nothing about the message: the same message succeeds once the dependency is back,
 * so it is retried for as long as the outage budget allows and never counts against the message's own retries.
 */

/** Socket and DNS errors from Node (`error.code`), undici's fetch errors, and the AWS SDK's network errors. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** Names of timeouts and network failures: AbortSignal.timeout, the SDK's request handler. */
const connectionNames = new Set([
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
]);

/** Names of answers that say "not now": throttling and service errors of the AWS SDK. */
const unavailableNames = new Set([
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
]);

/**
 * SQLSTATEs that mean "the server is not available right now": class 08 (connection exception), 57P01–57P05
 * (shut down, crashed, starting up, idle session timeout), 53300 (too many connections), 53400 (configuration
 * limit exceeded), 58000/58030 (system / I/O error).
 */
function unavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') || /^57P0[1-5]$/.test(code) || ['53300', '53400', '58000', '58030'].includes(code)
  );
}

/** Messages of node-postgres when the socket dies or a client-side timeout fires (no code is set). */
const unavailableMessages = [
  /Connection terminated/i,
  /Connection ended unexpectedly/i,
  /timeout exceeded when trying to connect/i,
  /Query read timeout/i,
  /Client has encountered a connection error/i,
  /socket hang up/i,
  /fetch failed/i,
];

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  /** Set by our own errors that know (GatewayUnavailableError, EffectUnavailableError). */
  dependencyUnavailable?: unknown;
  /** AWS SDK v3 response metadata. */
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
  errors?: unknown;
}

/** The dependency could not be reached or did not answer at all: never something one message can cause. */
function isConnection(error: ErrorShape): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && (networkCodes.has(code) || (/^[0-9A-Z]{5}$/.test(code) && unavailableSqlState(code))))
    return true;
  if (typeof error.name === 'string' && connectionNames.has(error.name)) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return unavailableMessages.some((pattern) => pattern.test(message));
}

function isUnavailable(error: ErrorShape): boolean {
  if (error.dependencyUnavailable === true || isConnection(error)) return true;
  if (typeof error.name === 'string' && unavailableNames.has(error.name)) return true;
  const status = error.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  return Boolean(
    error.$retryable && typeof error.$retryable === 'object' && 'throttling' in error.$retryable,
  );
}

/** True when `error`, or any error in its cause chain (or inside an AggregateError), is a dependency outage. */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 8 || error === null || typeof error !== 'object') return false;
  const shape = error as ErrorShape;
  if (isUnavailable(shape)) return true;
  if (Array.isArray(shape.errors) && shape.errors.some((e) => isDependencyUnavailable(e, depth + 1)))
    return true;
  return isDependencyUnavailable(shape.cause, depth + 1);
}

/**
 * True when the chain holds a failure to reach the dependency at all (refused, reset, a timeout, DNS, a
 * connection-class SQLSTATE). Unlike a 5xx, which a server may answer for one bad request, no single message can
 * cause this: it is an outage whatever else succeeded a moment ago.
 */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (depth > 8 || error === null || typeof error !== 'object') return false;
  const shape = error as ErrorShape;
  if (isConnection(shape)) return true;
  if (Array.isArray(shape.errors) && shape.errors.some((e) => isConnectionFailure(e, depth + 1))) return true;
  return isConnectionFailure(shape.cause, depth + 1);
}

/** The first line of the error chain that explains an outage, for logs and DLQ reasons. */
export function describeFailure(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let i = 0; i < 4 && current instanceof Error; i++) {
    const code = (current as ErrorShape).code;
    parts.push(typeof code === 'string' ? `${current.message} [${code}]` : current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}
