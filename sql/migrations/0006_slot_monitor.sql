-- Up Migration
-- The slot monitor (lambdas/slot-monitor) runs as the application role through RDS Proxy. It reads
-- pg_replication_slots (open to all), pg_ls_waldir() and every session's row of pg_stat_activity: the last two
-- need pg_monitor, a read-only built-in role (pg_read_all_settings, pg_read_all_stats, pg_stat_scan_tables).
-- A separate login would need its own secret and proxy registration; pg_monitor grants no write or data access.
GRANT pg_monitor TO holdline_app;

-- Down Migration
REVOKE pg_monitor FROM holdline_app;
