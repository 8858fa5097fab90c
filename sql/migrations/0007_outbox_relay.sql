-- Up Migration
-- The polling relay (services/polling-relay/) and the outbox reaper.
--
-- Which relay delivers the outbox is a one-row setting, outbox_relay_setting: 'cdc' (Debezium reads the WAL; the
-- default set here) or 'polling'. A row is born "unsent" (published_at NULL) only under 'polling': under CDC no
-- row ever enters the partial indexes below, so they cost the write path nothing, and a poller started by mistake
-- finds nothing to send twice. Switch with outbox_use_relay() (takes effect at once), and run one relay at a time:
-- rows written under one mode are the other's business only if you say so.
-- A table, not a database setting (ALTER DATABASE SET holdline.…): only a superuser may set a custom parameter,
-- and RDS's master is none.
CREATE TABLE outbox_relay_setting (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  mode     text    NOT NULL CHECK (mode IN ('cdc', 'polling'))
);
INSERT INTO outbox_relay_setting (mode) VALUES ('cdc');
GRANT SELECT ON outbox_relay_setting TO holdline_app;

-- The relay mode now, read by every outbox insert's default: one lookup of a one-row table.
CREATE FUNCTION outbox_relay_mode() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT mode FROM outbox_relay_setting $$;

ALTER TABLE outbox ADD COLUMN published_at timestamptz
  DEFAULT CASE WHEN outbox_relay_mode() = 'polling' THEN NULL ELSE '-infinity'::timestamptz END;
-- Rows that existed before this migration were delivered by CDC.
UPDATE outbox SET published_at = '-infinity' WHERE published_at IS NULL;

-- The poll: the oldest unsent rows (event_id is a UUIDv7, so in commit-time order). Only unsent rows are in it,
-- so the poll costs the same with 10 thousand or 10 million rows in the table (bench outbox-poll).
CREATE INDEX outbox_unsent_idx ON outbox (event_id) WHERE published_at IS NULL;
-- Per-aggregate head check and "all unsent rows of these aggregates, in sequence order".
CREATE INDEX outbox_unsent_aggregate_idx ON outbox (aggregate_id, sequence) WHERE published_at IS NULL;

-- The relay runs as the application role and may set only the marker. Debezium's connector skips UPDATEs of
-- the outbox (`skipped.operations`, cdk/lib/debezium-config.ts), so marking a row never re-publishes it.
GRANT UPDATE (published_at) ON outbox TO holdline_app;

CREATE FUNCTION outbox_use_relay(mode text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  IF mode IS NULL OR mode NOT IN ('cdc', 'polling') THEN
    RAISE EXCEPTION 'outbox relay mode must be cdc or polling, not %', mode;
  END IF;
  UPDATE outbox_relay_setting SET mode = outbox_use_relay.mode;
  RETURN mode;
END
$$;

-- Drops daily partitions older than `retention_days` whole (no row-by-row DELETE, no dead tuples, no vacuum
-- debt), and makes sure the coming days' partitions exist. Protects the write path: it waits at most
-- `lock_wait` for the parent's lock and otherwise leaves the partition for the next run, so it can never sit in
-- the lock queue in front of inserting transactions. A partition that still has unsent rows is kept.
-- Returns one row per partition it looked at.
CREATE FUNCTION outbox_reap_partitions(retention_days int DEFAULT 7, lock_wait interval DEFAULT '1 second')
RETURNS TABLE (partition_name text, action text)
-- SECURITY DEFINER: the reaper Lambda logs in as holdline_app, which may run this and nothing else of DDL.
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  part record;
  cutoff date := (now() AT TIME ZONE 'UTC')::date - retention_days;
  unsent bigint;
BEGIN
  IF retention_days < 1 THEN
    RAISE EXCEPTION 'retention_days must be at least 1, not %', retention_days;
  END IF;
  PERFORM outbox_ensure_partitions(1, 3);
  PERFORM set_config('lock_timeout', (extract(epoch FROM lock_wait) * 1000)::bigint::text, true);
  FOR part IN
    SELECT c.relname::text AS name, to_date(substr(c.relname, 9), 'YYYYMMDD') AS day
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'outbox'::regclass AND c.relname ~ '^outbox_p[0-9]{8}$'
    ORDER BY c.relname
  LOOP
    CONTINUE WHEN part.day >= cutoff;
    EXECUTE format('SELECT count(*) FROM %I WHERE published_at IS NULL', part.name) INTO unsent;
    IF unsent > 0 THEN
      partition_name := part.name; action := format('kept: %s unsent rows', unsent);
      RETURN NEXT;
      CONTINUE;
    END IF;
    BEGIN
      EXECUTE format('DROP TABLE %I', part.name);
      partition_name := part.name; action := 'dropped';
    EXCEPTION WHEN lock_not_available THEN
      partition_name := part.name; action := 'skipped: lock not granted within lock_wait';
    END;
    RETURN NEXT;
  END LOOP;
END
$$;

REVOKE ALL ON FUNCTION outbox_reap_partitions(int, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbox_reap_partitions(int, interval) TO holdline_app;

-- Down Migration
DROP FUNCTION outbox_reap_partitions(int, interval);
DROP FUNCTION outbox_use_relay(text);
REVOKE UPDATE (published_at) ON outbox FROM holdline_app;
DROP INDEX outbox_unsent_aggregate_idx;
DROP INDEX outbox_unsent_idx;
ALTER TABLE outbox DROP COLUMN published_at;
DROP FUNCTION outbox_relay_mode();
DROP TABLE outbox_relay_setting;
