/** Named parameters (`:name` in SQL), the form both drivers accept. */
export type SqlParams = Record<string, string | number | boolean | null>;

export type Row = Record<string, unknown>;

/** Runs statements. JSON columns come back parsed and bigint columns as numbers, whichever driver. */
export interface SqlExecutor {
  query<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
}

/** The one persistence seam: `pg` (local, RDS Proxy) and the Aurora Data API both implement it. */
export interface SqlClient extends SqlExecutor {
  /** Runs `work` in one transaction: commits if it resolves, rolls back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A statement failed in the database; `code` is the SQLSTATE when the driver reports one. */
export class SqlError extends Error {
  override name = 'SqlError';
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly constraint: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const uniqueViolation = '23505';
