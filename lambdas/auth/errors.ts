/** Base of the auth module's errors. */
export class AuthError extends Error {
  override name = 'AuthError';
}

/** A token that is missing, malformed, expired, or not signed with our key. `reason` is for logs only. */
export class InvalidTokenError extends AuthError {
  override name = 'InvalidTokenError';
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`invalid token: ${reason}`, options);
  }
}

/** The issuer's JWKS could not be read (down, slow, not a key set): no token can be checked, none is to blame. */
export class KeySetUnavailableError extends AuthError {
  override name = 'KeySetUnavailableError';
  constructor(
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(`key set ${url} unavailable`, options);
  }
}
