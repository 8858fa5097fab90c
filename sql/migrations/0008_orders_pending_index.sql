-- Up Migration
-- The reconciler's query (pending orders placed before a deadline, oldest first) without scanning settled
-- orders: partial, so it only holds the few orders in flight and costs settled orders nothing.
CREATE INDEX orders_pending_created_at ON orders (created_at) WHERE status = 'pending';

-- Down Migration
DROP INDEX orders_pending_created_at;
