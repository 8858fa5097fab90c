-- Up Migration
CREATE TABLE orders (
  id              uuid PRIMARY KEY,
  customer_id     text        NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 128),
  status          text        NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'confirmed', 'payment_failed', 'cancelled')),
  currency        char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  total_cents     bigint      NOT NULL CHECK (total_cents > 0),
  items           jsonb       NOT NULL CHECK (jsonb_typeof(items) = 'array' AND jsonb_array_length(items) > 0),
  -- Bumped by every change; also the per-aggregate sequence of the order's outbox events.
  version         bigint      NOT NULL DEFAULT 1 CHECK (version > 0),
  -- A retried POST with the same key returns this order instead of creating a second one.
  idempotency_key text        CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_hash    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_idempotency_key_uniq UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC);
-- CDC of this table needs full before-images for updates and deletes (the order view keeps them).
ALTER TABLE orders REPLICA IDENTITY FULL;

GRANT SELECT, INSERT, UPDATE ON orders TO holdline_app;
GRANT SELECT ON orders TO holdline_cdc;

-- Down Migration
DROP TABLE orders;
