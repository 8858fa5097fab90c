-- Up Migration
-- outbox_ensure_partitions, made safe for the write path (replaces the body from 0003, same signature):
--  * its lock_timeout is set before any DDL: a caller's own lock_timeout is kept, none at all becomes 1 s;
--  * a day is made as a plain table and ATTACHed (SHARE UPDATE EXCLUSIVE on the outbox, which inserts and
--    reads do not conflict with) instead of CREATE TABLE … PARTITION OF (ACCESS EXCLUSIVE on the outbox, so a
--    long read held it up and every insert queued behind it);
--  * rows of that day already in the default partition (clock skew, a missed run) are moved into it first —
--    before, they made the CREATE fail on every run. Under CDC the moved rows are published again, once:
--    consumers deduplicate by event id;
--  * a day whose locks are not granted within lock_timeout is left for the next run, not waited for.
CREATE OR REPLACE FUNCTION outbox_ensure_partitions(days_back int DEFAULT 1, days_ahead int DEFAULT 3) RETURNS int
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  d date;
  made int := 0;
  name text;
  lo uuid;
  hi uuid;
BEGIN
  IF current_setting('lock_timeout') = '0' THEN
    PERFORM set_config('lock_timeout', '1s', true);
  END IF;
  FOR d IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - days_back,
                                  (now() AT TIME ZONE 'UTC')::date + days_ahead, interval '1 day')::date
  LOOP
    name := format('outbox_p%s', to_char(d, 'YYYYMMDD'));
    CONTINUE WHEN to_regclass(name) IS NOT NULL;
    lo := holdline_uuid7_floor(d);
    hi := holdline_uuid7_floor(d + 1);
    BEGIN
      EXECUTE format('CREATE TABLE %I (LIKE outbox INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)',
                     name);
      EXECUTE format('WITH moved AS (DELETE FROM outbox_default WHERE event_id >= %L AND event_id < %L RETURNING *)
                      INSERT INTO %I SELECT * FROM moved', lo, hi, name);
      EXECUTE format('ALTER TABLE outbox ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
      made := made + 1;
    EXCEPTION WHEN lock_not_available THEN
      -- The subtransaction is rolled back: no table, no rows moved. The next run tries again.
      RAISE NOTICE 'outbox partition % not made: lock not granted within lock_timeout', name;
    END;
  END LOOP;
  RETURN made;
END
$$;

-- The reaper (0007) sets its lock wait before it makes partitions, not after. Same signature, so its owner,
-- SECURITY DEFINER and grants stay as they are.
CREATE OR REPLACE FUNCTION outbox_reap_partitions(retention_days int DEFAULT 7, lock_wait interval DEFAULT '1 second')
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
  -- The lock wait first: making the coming days' partitions takes locks too.
  PERFORM set_config('lock_timeout', (extract(epoch FROM lock_wait) * 1000)::bigint::text, true);
  PERFORM outbox_ensure_partitions(1, 3);
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

-- Down Migration
CREATE OR REPLACE FUNCTION outbox_reap_partitions(retention_days int DEFAULT 7, lock_wait interval DEFAULT '1 second')
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

CREATE OR REPLACE FUNCTION outbox_ensure_partitions(days_back int DEFAULT 1, days_ahead int DEFAULT 3) RETURNS int
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
