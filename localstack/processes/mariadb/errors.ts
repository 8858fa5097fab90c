/** Base of every error of the local MariaDB part. */
export class MariaDbError extends Error {
  override name = 'MariaDbError';
}

/** The Debian package is not installed (or not where it is looked for). */
export class MariaDbNotInstalledError extends MariaDbError {
  override name = 'MariaDbNotInstalledError';
  constructor(readonly missing: string) {
    super(
      `${missing} is missing: MariaDB is installed by \`npm run setup\` (apt-get install -y mariadb-server)`,
    );
  }
}

/** A statement sent through the `mariadb` client failed; carries the server's own message. */
export class MariaDbQueryError extends MariaDbError {
  override name = 'MariaDbQueryError';
  constructor(
    readonly sql: string,
    readonly serverMessage: string,
    options?: ErrorOptions,
  ) {
    super(`MariaDB refused "${sql.slice(0, 120)}": ${serverMessage}`, options);
  }
}

/**
 * The server or the connector's user is not set up for binlog capture. Thrown before Debezium starts, so a
 * misconfigured source fails at once with the missing setting named, instead of streaming nothing.
 */
export class CaptureNotReadyError extends MariaDbError {
  override name = 'CaptureNotReadyError';
  constructor(
    readonly user: string,
    /** One line per missing setting or privilege, each naming it. */
    readonly missing: readonly string[],
  ) {
    super(`MariaDB is not ready for binlog capture by ${user}: ${missing.join('; ')}`);
  }
}
