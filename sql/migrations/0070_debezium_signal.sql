-- Up Migration
-- Debezium's signal table for the orders connector (`signal.data.collection`, cdk/lib/debezium-config.ts): a row
-- of type `execute-snapshot` starts an incremental snapshot of the named tables, read in primary-key chunks beside
-- the stream instead of a blocking re-snapshot (docs/runbooks/slot-lag.md §4). Debezium reads signals from the
-- WAL, so the table is in the orders publication, and it writes each chunk's open/close watermarks here as the CDC
-- role. Column names and types are Debezium's: id, type, data (JSON text).
CREATE TABLE debezium_signal (
  id   text PRIMARY KEY,
  type text NOT NULL,
  data text
);
-- The CDC role inserts the watermarks, and on-call sends the signal as that role (the runbook's steps run as it).
-- No other login may start a snapshot: a re-read of every order is a cost (Kinesis time, view writes).
GRANT INSERT ON debezium_signal TO holdline_cdc;
ALTER PUBLICATION holdline_orders ADD TABLE debezium_signal;

-- Down Migration
ALTER PUBLICATION holdline_orders DROP TABLE debezium_signal;
DROP TABLE debezium_signal;
