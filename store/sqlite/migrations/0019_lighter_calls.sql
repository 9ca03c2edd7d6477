-- Logging a call wrote index pages it had no need to: on the large book a
-- call dirtied some seventeen pages, each a WAL frame to write and later to
-- copy back, and the commit costs as much as all the statements together.

-- A customer's search documents ranked by a copy of their last-contact
-- date in search_docs.at, rewritten on every call (the customer's page and
-- its contacts' in search_docs). The search reads the date from the
-- customer it joins anyway; search_docs.at of customers and contacts is
-- no longer read.
DROP TRIGGER search_customers_touch;

-- The partial condition named touch_due_at, which every call moves, so
-- SQLite rewrote the entry in place each time. cadence_days > 0 selects
-- the same customers (touch_due_at is 0 exactly when there is no cadence)
-- and no call changes it.
DROP INDEX customers_owner_segment_name;
CREATE INDEX customers_owner_segment_name ON customers (owner_id, segment, name, id) WHERE cadence_days > 0;

-- History finds a customer's created records from the records themselves
-- (their customer_id); the audit needs to name the customer only where
-- the record is gone or moved: deletions and updates. Creations, two rows
-- of every logged call, are left out of the index.
DROP INDEX audit_customer;
CREATE INDEX audit_customer ON audit (coalesce(json_extract(after, '$.customer_id'), json_extract(before, '$.customer_id')))
	WHERE action <> 'create';
