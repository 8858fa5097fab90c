-- Up Migration
-- The floor UUIDv7 of a UTC day: 48-bit Unix milliseconds, everything else zero. Every UUIDv7 minted that
-- day sorts at or above it, so ranges of these bound the day's partition.
CREATE FUNCTION holdline_uuid7_floor(day date) RETURNS uuid
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (overlay(overlay(lpad(to_hex((extract(epoch FROM day::timestamp) * 1000)::bigint), 12, '0')
          PLACING '-' FROM 9 FOR 0) PLACING '' FROM 14 FOR 0) || '-0000-0000-000000000000')::uuid
$$;

-- The outbox. event_id is a UUIDv7 minted by the writer: it is the primary key, the stable dedupe key
-- downstream, and — because v7 ids start with their timestamp — the key the table is partitioned by,
-- one partition a day, so old days are dropped whole instead of deleted row by row.
CREATE TABLE outbox (
  event_id       uuid        NOT NULL,
  aggregate_type text        NOT NULL,
  aggregate_id   text        NOT NULL,
  sequence       bigint      NOT NULL CHECK (sequence > 0),
  event_type     text        NOT NULL,
  payload        jsonb       NOT NULL,
  occurred_at    timestamptz NOT NULL DEFAULT now(),
  trace_context  text,
  CONSTRAINT outbox_pkey PRIMARY KEY (event_id)
) PARTITION BY RANGE (event_id);

-- Safety net: a row outside every daily partition (clock skew, a missed maintenance run) still commits.
CREATE TABLE outbox_default PARTITION OF outbox DEFAULT;

-- Creates the daily partitions from `days_back` ago to `days_ahead` ahead; returns how many it made.
CREATE FUNCTION outbox_ensure_partitions(days_back int DEFAULT 1, days_ahead int DEFAULT 3) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  d date;
  made int := 0;
  name text;
BEGIN
  FOR d IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - days_back,
                                  (now() AT TIME ZONE 'UTC')::date + days_ahead, interval '1 day')::date
  LOOP
    name := format('outbox_p%s', to_char(d, 'YYYYMMDD'));
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF outbox FOR VALUES FROM (%L) TO (%L)',
                     name, holdline_uuid7_floor(d), holdline_uuid7_floor(d + 1));
      made := made + 1;
    END IF;
  END LOOP;
  RETURN made;
END
$$;
SELECT outbox_ensure_partitions();

GRANT SELECT, INSERT ON outbox TO holdline_app;
GRANT SELECT ON outbox TO holdline_cdc;

-- Down Migration
DROP TABLE outbox;
DROP FUNCTION outbox_ensure_partitions(int, int);
DROP FUNCTION holdline_uuid7_floor(date);
