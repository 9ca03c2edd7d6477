-- As SQLite's migration of this name: the columns the follow-up answer's
-- count and ranking of overdue customers read, in the index, so that they
-- can be answered by an index-only scan.
DROP INDEX customers_owner_touch;
CREATE INDEX customers_owner_touch ON customers (owner_id, touch_due_at) INCLUDE (cadence_days, segment) WHERE touch_due_at > 0;
