-- The agenda's queries are shared with SQLite now, which reads a rep's
-- first customers of each segment by name from this index under the
-- condition its migration 0019 gave it: having a cadence (the customers
-- with a keep-in-touch date are those). The same condition here lets both
-- run one query, and a logged call, which moves the date, no longer moves
-- the entry.
DROP INDEX customers_owner_segment_name;
CREATE INDEX customers_owner_segment_name ON customers (owner_id, segment, name, id) WHERE cadence_days > 0;
