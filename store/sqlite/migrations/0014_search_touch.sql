-- Logging a call moves the customer's last-contact date, which only changes
-- when their search documents rank (search_docs.at), not what they say.
-- Re-indexing the customer's text on every such update cost as much as
-- indexing the call itself: only a change to the indexed columns does now.
DROP TRIGGER search_customers_au;
CREATE TRIGGER search_customers_au AFTER UPDATE ON customers
	WHEN old.name IS new.name AND (old.tags IS NOT new.tags OR old.email IS NOT new.email OR old.phone IS NOT new.phone) BEGIN
	DELETE FROM search_fts WHERE docid = new.id * 8 + 1;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 1 AND ref_id = new.id;
END;
CREATE TRIGGER search_customers_touch AFTER UPDATE OF last_contact_at, created_at ON customers
	WHEN old.name IS new.name AND max(old.last_contact_at, old.created_at) IS NOT max(new.last_contact_at, new.created_at) BEGIN
	UPDATE search_docs SET at = max(new.last_contact_at, new.created_at) WHERE customer_id = new.id AND id % 8 IN (1, 2);
END;
