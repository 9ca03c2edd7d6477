-- Two more index entries that every logged call wrote for rare readers.

-- search_docs_customer listed a customer's documents for a rename, an
-- alias or a deletion: two entries of every logged call (its own document
-- and its follow-up's), a page of their own. The records themselves list
-- them, by the customer index each of their tables has.
CREATE VIEW search_customer_docs (customer_id, docid) AS
	SELECT id, id * 8 + 1 FROM customers
	UNION ALL SELECT customer_id, id * 8 + 2 FROM contacts
	UNION ALL SELECT customer_id, id * 8 + 3 FROM deals
	UNION ALL SELECT customer_id, id * 8 + 4 FROM interactions
	UNION ALL SELECT customer_id, id * 8 + 5 FROM follow_ups;

DROP TRIGGER search_customers_rename;
CREATE TRIGGER search_customers_rename AFTER UPDATE OF name ON customers WHEN old.name IS NOT new.name BEGIN
	DELETE FROM search_fts WHERE docid IN (SELECT docid FROM search_customer_docs WHERE customer_id = new.id);
	DELETE FROM search_docs WHERE id IN (SELECT docid FROM search_customer_docs WHERE customer_id = new.id);
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE customer_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE customer_id = new.id;
END;

-- A customer is deleted only without records (their foreign keys refuse
-- it otherwise): only its own document is left.
DROP TRIGGER search_customers_ad;
CREATE TRIGGER search_customers_ad AFTER DELETE ON customers BEGIN
	DELETE FROM search_fts WHERE docid = old.id * 8 + 1;
	DELETE FROM search_docs WHERE id = old.id * 8 + 1;
END;

DROP TRIGGER search_aliases_ai;
CREATE TRIGGER search_aliases_ai AFTER INSERT ON customer_aliases BEGIN
	DELETE FROM search_fts WHERE docid IN (SELECT docid FROM search_customer_docs WHERE customer_id = new.customer_id);
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE customer_id = new.customer_id;
END;

DROP TRIGGER search_aliases_ad;
CREATE TRIGGER search_aliases_ad AFTER DELETE ON customer_aliases BEGIN
	DELETE FROM search_fts WHERE docid IN (SELECT docid FROM search_customer_docs WHERE customer_id = old.customer_id);
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE customer_id = old.customer_id;
END;

DROP INDEX search_docs_customer;

-- The audit's customer index left out creations; updates that name no
-- customer (a logged call's update of the customer's dates, one a call)
-- went in under NULL, which nothing looks up.
DROP INDEX audit_customer;
CREATE INDEX audit_customer ON audit (coalesce(json_extract(after, '$.customer_id'), json_extract(before, '$.customer_id')))
	WHERE action <> 'create' AND coalesce(json_extract(after, '$.customer_id'), json_extract(before, '$.customer_id')) IS NOT NULL;
