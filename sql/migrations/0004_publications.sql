-- Up Migration
-- Written by the CDC connector on a timer (heartbeat.action.query) so its slot confirms a fresh LSN
-- even when no captured table changes; otherwise an idle slot pins WAL written by everything else.
CREATE TABLE debezium_heartbeat (
  id      int PRIMARY KEY,
  beat_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON debezium_heartbeat TO holdline_cdc;

-- Publications are created here, not by the connector: the CDC role then needs no ownership, and the
-- partitioned outbox is published as its root table (one stream of changes, whatever the partition).
CREATE PUBLICATION holdline_outbox FOR TABLE outbox, debezium_heartbeat
  WITH (publish = 'insert, update', publish_via_partition_root = true);
CREATE PUBLICATION holdline_orders FOR TABLE orders, debezium_heartbeat;

-- Down Migration
DROP PUBLICATION holdline_orders;
DROP PUBLICATION holdline_outbox;
DROP TABLE debezium_heartbeat;
