-- Up Migration
-- Tables that change rules act on (cdk/lib/change-rules.ts): rows written by the application, a SQL script or
-- another service alike. The rules' capture (which tables the `holdline_rules` publication carries, with which
-- columns, and REPLICA IDENTITY FULL where a rule needs old values) is derived from the rules and applied after
-- the migrations by sql/migrate.ts, so a new rule needs no migration of its own.
CREATE TABLE customers (
  id         uuid PRIMARY KEY,
  email      text        NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A request for a CSV export of orders: the row is the request, the export is the change rule's work.
CREATE TABLE report_requests (
  id           uuid PRIMARY KEY,
  customer_id  text        NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 128),
  requested_by text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE ON customers, report_requests TO holdline_app;
GRANT SELECT ON customers, report_requests TO holdline_cdc;

-- Empty until sql/migrate.ts sets its tables from the rules; the heartbeat table stays in it so the rules slot
-- confirms a fresh LSN on a quiet database.
CREATE PUBLICATION holdline_rules FOR TABLE debezium_heartbeat;

-- Down Migration
DROP PUBLICATION holdline_rules;
DROP TABLE report_requests;
DROP TABLE customers;
