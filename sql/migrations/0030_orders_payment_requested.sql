-- Up Migration
-- The reconciler asks again for the payment of an order that has no charge (its message was lost to an outage or
-- quarantined), at most once per re-drive interval: this column is that marker. Nullable without a default, so
-- adding it rewrites nothing and takes its lock only for an instant.
ALTER TABLE orders ADD COLUMN payment_requested_at timestamptz;

-- The reconciler pages through pending orders by (created_at, id): the keyset needs both columns in the index,
-- still partial, so settled orders cost it nothing.
CREATE INDEX orders_pending_created_at_id ON orders (created_at, id) WHERE status = 'pending';
DROP INDEX orders_pending_created_at;

-- Down Migration
CREATE INDEX orders_pending_created_at ON orders (created_at) WHERE status = 'pending';
DROP INDEX orders_pending_created_at_id;
ALTER TABLE orders DROP COLUMN payment_requested_at;
