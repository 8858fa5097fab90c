-- Up Migration
-- published_at's default becomes a constant again, set by outbox_use_relay() when the mode changes.
--
-- Migration 0007 made it `CASE WHEN outbox_relay_mode() = 'polling' …`: a SQL function that reads
-- outbox_relay_setting. Postgres cannot inline a function with a FROM clause, so every outbox insert ran a query
-- of its own. Measured per statement (bench write-path), that lookup was most of what the outbox row cost the
-- database; the row itself, its index entry and its WAL cost much less.
--
-- The one-row table stays the source of truth: the polling relay reads it (outbox_relay_mode()) before it
-- starts. outbox_use_relay() now sets the row and the column default in one transaction, so they cannot
-- disagree. ALTER … SET DEFAULT recurses to the partitions, and a partition made later copies the parent's
-- default (outbox_ensure_partitions, 0020: LIKE outbox INCLUDING DEFAULTS).
CREATE OR REPLACE FUNCTION outbox_use_relay(mode text) RETURNS text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF mode IS NULL OR mode NOT IN ('cdc', 'polling') THEN
    RAISE EXCEPTION 'outbox relay mode must be cdc or polling, not %', mode;
  END IF;
  -- SET DEFAULT takes ACCESS EXCLUSIVE on the outbox for an instant. Queued behind a long transaction it would
  -- hold up every insert queued behind it, so it waits at most a few seconds and fails instead: run it again.
  IF current_setting('lock_timeout') = '0' THEN
    PERFORM set_config('lock_timeout', '5s', true);
  END IF;
  UPDATE outbox_relay_setting SET mode = outbox_use_relay.mode;
  IF mode = 'polling' THEN
    -- Born unsent: the relay's partial indexes hold the row until it is marked sent.
    ALTER TABLE outbox ALTER COLUMN published_at DROP DEFAULT;
  ELSE
    -- Born "not the poller's business": never in the partial indexes.
    ALTER TABLE outbox ALTER COLUMN published_at SET DEFAULT '-infinity';
  END IF;
  RETURN mode;
END
$$;

SELECT outbox_use_relay(mode) FROM outbox_relay_setting;

-- Down Migration
ALTER TABLE outbox ALTER COLUMN published_at
  SET DEFAULT CASE WHEN outbox_relay_mode() = 'polling' THEN NULL ELSE '-infinity'::timestamptz END;
CREATE OR REPLACE FUNCTION outbox_use_relay(mode text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  IF mode IS NULL OR mode NOT IN ('cdc', 'polling') THEN
    RAISE EXCEPTION 'outbox relay mode must be cdc or polling, not %', mode;
  END IF;
  UPDATE outbox_relay_setting SET mode = outbox_use_relay.mode;
  RETURN mode;
END
$$;
