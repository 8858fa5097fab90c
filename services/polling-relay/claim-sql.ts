/**
 * The polling relay's SQL, built from its limits. Pure strings: tested without a database (claim-sql.test.ts)
 * and against a real one (relay.it.test.ts).
 *
 * Per-aggregate order with several replicas: a replica claims whole aggregates, never single rows. It locks
 * the OLDEST unsent row of each aggregate it wants (the aggregate's "head") with FOR UPDATE SKIP LOCKED, then
 * every unsent row of those aggregates. Another replica's head query skips a locked head, and a row that is not
 * a head is never a head candidate while the older row is unsent — so one aggregate is in the hands of at most
 * one replica at a time, and that replica publishes its rows in sequence order. Replicas need no coordination
 * or fixed assignment (hash partitioning would stall an aggregate whenever its replica is down); a dead
 * replica's transaction aborts, its locks go, and the next poll picks its aggregates up.
 */

/** The oldest unsent rows that are their aggregate's head, locked; `$1` = how many aggregates at most. */
export function claimHeadsSql(): string {
  return `SELECT o.aggregate_id
  FROM outbox o
  WHERE o.published_at IS NULL
    AND NOT EXISTS (
      SELECT 1 FROM outbox older
      WHERE older.published_at IS NULL AND older.aggregate_id = o.aggregate_id AND older.sequence < o.sequence)
  ORDER BY o.event_id
  LIMIT $1
  FOR UPDATE OF o SKIP LOCKED`;
}

/**
 * Every unsent row of the claimed aggregates (`$1` text[]), in per-aggregate sequence order, locked; `$2` caps
 * the rows. A cap that cuts an aggregate keeps a prefix of it, so what is left stays behind what was sent.
 */
export function claimRowsSql(): string {
  return `SELECT event_id, aggregate_type, aggregate_id, sequence, event_type, payload, occurred_at, trace_context
  FROM outbox
  WHERE published_at IS NULL AND aggregate_id = ANY($1::text[])
  ORDER BY aggregate_id, sequence
  LIMIT $2
  FOR UPDATE`;
}

/** Marks the published rows (`$1` uuid[]) sent, in the claim's transaction. */
export function markSentSql(): string {
  return 'UPDATE outbox SET published_at = now() WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL';
}

/** The database's relay mode; the relay refuses to start unless it is `polling`. */
export const relayModeSql = 'SELECT outbox_relay_mode() AS mode';

/**
 * Session settings for a relay connection: a replica that hangs mid-claim (not crashed, just stuck) must not
 * hold its aggregates' locks forever; Postgres ends the session and another replica takes over.
 */
export function sessionSettingsSql(idleInTransactionTimeoutMs: number): string {
  if (!Number.isInteger(idleInTransactionTimeoutMs) || idleInTransactionTimeoutMs < 1000)
    throw new RangeError('idleInTransactionTimeoutMs must be an integer ≥ 1000');
  return `SET idle_in_transaction_session_timeout = ${idleInTransactionTimeoutMs}`;
}
