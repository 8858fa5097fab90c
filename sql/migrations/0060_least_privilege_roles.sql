-- Up Migration
-- One login per job (sql/roles.ts), each with only what its job needs. Until now the API, the payment consumer,
-- the reconciler, the slot monitor and the reaper all logged in as holdline_app, which could therefore read every
-- session's query text (pg_monitor), update any column of any order and run the reaper's DDL.
--   holdline_app       the order API (and the polling relay): INSERT and SELECT; it changes no order.
--   holdline_consumer  the payment consumer and the reconciler: the state transition's columns only.
--   holdline_monitor   the slot monitor: pg_monitor, no table.
--   holdline_reaper    the outbox reaper: EXECUTE on outbox_reap_partitions() (SECURITY DEFINER), nothing else.
-- Passwords are set outside migrations, as for the first two roles (0001).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'holdline_consumer') THEN
    CREATE ROLE holdline_consumer LOGIN NOREPLICATION;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'holdline_monitor') THEN
    CREATE ROLE holdline_monitor LOGIN NOREPLICATION;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'holdline_reaper') THEN
    CREATE ROLE holdline_reaper LOGIN NOREPLICATION;
  END IF;
END
$$;

-- The API places orders (INSERT … ON CONFLICT DO NOTHING … RETURNING) and reads them: no UPDATE of orders.
REVOKE UPDATE ON orders FROM holdline_app;

-- A transition (lambdas/orders/order-store.ts) writes status, version and updated_at and its outbox row; the
-- reconciler's re-drive writes payment_requested_at. Nothing else of an order (amount, items, customer) can be
-- changed by this login.
GRANT SELECT ON orders TO holdline_consumer;
GRANT UPDATE (status, version, updated_at, payment_requested_at) ON orders TO holdline_consumer;
GRANT INSERT ON outbox TO holdline_consumer;

-- Only the monitor sees every session and pg_wal (0006 gave this to holdline_app).
GRANT pg_monitor TO holdline_monitor;
REVOKE pg_monitor FROM holdline_app;

-- Only the reaper runs the reaper (0007 gave it to holdline_app).
REVOKE ALL ON FUNCTION outbox_reap_partitions(int, interval) FROM PUBLIC, holdline_app;
GRANT EXECUTE ON FUNCTION outbox_reap_partitions(int, interval) TO holdline_reaper;

-- Down Migration
GRANT EXECUTE ON FUNCTION outbox_reap_partitions(int, interval) TO holdline_app;
REVOKE ALL ON FUNCTION outbox_reap_partitions(int, interval) FROM holdline_reaper;
GRANT pg_monitor TO holdline_app;
REVOKE pg_monitor FROM holdline_monitor;
REVOKE ALL ON outbox FROM holdline_consumer;
REVOKE ALL ON orders FROM holdline_consumer;
GRANT UPDATE ON orders TO holdline_app;
DROP ROLE holdline_reaper;
DROP ROLE holdline_monitor;
DROP ROLE holdline_consumer;
