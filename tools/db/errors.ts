/** Base of the database tools' errors. */
export class DbToolError extends Error {
  override name = 'DbToolError';
}

/** The secret read from stdin is not the RDS secret JSON with a `password`. */
export class SecretInputError extends DbToolError {
  override name = 'SecretInputError';
}
