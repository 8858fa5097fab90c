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
