-- Search over customers, contacts, deals, interactions and follow-up notes.
--
-- One FTS4 document per record (FTS4 is compiled into go-sqlite3 by
-- default; FTS5 would need a build tag). Its unicode61 tokenizer lowers
-- and, with remove_diacritics=2, strips Vietnamese tone and vowel marks;
-- it leaves đ alone (a letter of its own, not d with a mark), so the text
-- is fed with đ written as d, and queries are folded the same way.
--
-- docid = record id * 8 + kind: 1 customer, 2 contact, 3 deal,
-- 4 interaction, 5 follow-up. search_docs holds what the query filters
-- and ranks on (the customer, for the scope; a time, for recency).
-- Triggers keep both in step with every write path, undo included.

CREATE VIRTUAL TABLE search_fts USING fts4 (
	title,  -- the record's own name: customer (with aliases), contact, deal
	people, -- who it concerns: the customer's names, the contact spoken to
	body,   -- what was said or noted
	tokenize=unicode61 "remove_diacritics=2"
);

CREATE TABLE search_docs (
	id          INTEGER PRIMARY KEY, -- = search_fts docid
	customer_id INTEGER NOT NULL,
	at          INTEGER NOT NULL
);
CREATE INDEX search_docs_customer ON search_docs (customer_id);

-- A customer's name and aliases, as one text.
CREATE VIEW search_names (customer_id, names) AS
	SELECT c.id, c.name || COALESCE(' ' || (SELECT group_concat(a.alias, ' ') FROM customer_aliases a WHERE a.customer_id = c.id), '')
	FROM customers c;

-- What each record contributes to the index, đ already written as d.
CREATE VIEW search_source (kind, ref_id, docid, customer_id, at, title, people, body) AS
	SELECT 1, c.id, c.id * 8 + 1, c.id, max(c.last_contact_at, c.created_at),
		replace(replace(n.names, 'đ', 'd'), 'Đ', 'D'), '',
		replace(replace(c.tags || ' ' || c.email || ' ' || c.phone, 'đ', 'd'), 'Đ', 'D')
	FROM customers c JOIN search_names n ON n.customer_id = c.id
	UNION ALL
	SELECT 2, p.id, p.id * 8 + 2, p.customer_id, max(c.last_contact_at, c.created_at),
		replace(replace(p.name, 'đ', 'd'), 'Đ', 'D'), replace(replace(n.names, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(p.role || ' ' || p.email || ' ' || p.phone, 'đ', 'd'), 'Đ', 'D')
	FROM contacts p JOIN customers c ON c.id = p.customer_id JOIN search_names n ON n.customer_id = p.customer_id
	UNION ALL
	SELECT 3, d.id, d.id * 8 + 3, d.customer_id, max(d.stage_changed_at, d.created_at),
		replace(replace(d.title, 'đ', 'd'), 'Đ', 'D'), replace(replace(n.names, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(d.stage || ' ' || d.need || ' ' || d.budget || ' ' || d.authority, 'đ', 'd'), 'Đ', 'D')
	FROM deals d JOIN search_names n ON n.customer_id = d.customer_id
	UNION ALL
	SELECT 4, i.id, i.id * 8 + 4, i.customer_id, i.at, '',
		replace(replace(n.names || COALESCE(' ' || p.name, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(i.summary, 'đ', 'd'), 'Đ', 'D')
	FROM interactions i JOIN search_names n ON n.customer_id = i.customer_id LEFT JOIN contacts p ON p.id = i.contact_id
	UNION ALL
	SELECT 5, f.id, f.id * 8 + 5, f.customer_id, f.created_at, '',
		replace(replace(n.names || COALESCE(' ' || p.name, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(f.note, 'đ', 'd'), 'Đ', 'D')
	FROM follow_ups f JOIN search_names n ON n.customer_id = f.customer_id LEFT JOIN contacts p ON p.id = f.contact_id;

-- Index what exists.
INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source;
INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source;

-- Customers: their own document; a new name renames them in every
-- document of theirs.
CREATE TRIGGER search_customers_ai AFTER INSERT ON customers BEGIN
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE kind = 1 AND ref_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 1 AND ref_id = new.id;
END;
CREATE TRIGGER search_customers_au AFTER UPDATE ON customers WHEN old.name IS new.name BEGIN
	DELETE FROM search_fts WHERE docid = new.id * 8 + 1;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 1 AND ref_id = new.id;
	UPDATE search_docs SET at = max(new.last_contact_at, new.created_at) WHERE customer_id = new.id AND id % 8 IN (1, 2);
END;
CREATE TRIGGER search_customers_rename AFTER UPDATE OF name ON customers WHEN old.name IS NOT new.name BEGIN
	DELETE FROM search_fts WHERE docid IN (SELECT id FROM search_docs WHERE customer_id = new.id);
	DELETE FROM search_docs WHERE customer_id = new.id;
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE customer_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE customer_id = new.id;
END;
CREATE TRIGGER search_customers_ad AFTER DELETE ON customers BEGIN
	DELETE FROM search_fts WHERE docid IN (SELECT id FROM search_docs WHERE customer_id = old.id);
	DELETE FROM search_docs WHERE customer_id = old.id;
END;

-- An alias is a name: every document of the customer learns or forgets it.
CREATE TRIGGER search_aliases_ai AFTER INSERT ON customer_aliases BEGIN
	DELETE FROM search_fts WHERE docid IN (SELECT id FROM search_docs WHERE customer_id = new.customer_id);
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE customer_id = new.customer_id;
END;
CREATE TRIGGER search_aliases_ad AFTER DELETE ON customer_aliases BEGIN
	DELETE FROM search_fts WHERE docid IN (SELECT id FROM search_docs WHERE customer_id = old.customer_id);
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE customer_id = old.customer_id;
END;

-- Contacts, deals, interactions and follow-ups: one document each,
-- rewritten whole on any change.
CREATE TRIGGER search_contacts_ai AFTER INSERT ON contacts BEGIN
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE kind = 2 AND ref_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 2 AND ref_id = new.id;
END;
CREATE TRIGGER search_contacts_au AFTER UPDATE ON contacts BEGIN
	DELETE FROM search_fts WHERE docid = old.id * 8 + 2;
	DELETE FROM search_docs WHERE id = old.id * 8 + 2;
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE kind = 2 AND ref_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 2 AND ref_id = new.id;
END;
CREATE TRIGGER search_contacts_ad AFTER DELETE ON contacts BEGIN
	DELETE FROM search_fts WHERE docid = old.id * 8 + 2;
	DELETE FROM search_docs WHERE id = old.id * 8 + 2;
END;

CREATE TRIGGER search_deals_ai AFTER INSERT ON deals BEGIN
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE kind = 3 AND ref_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 3 AND ref_id = new.id;
END;
CREATE TRIGGER search_deals_au AFTER UPDATE ON deals BEGIN
	DELETE FROM search_fts WHERE docid = old.id * 8 + 3;
	DELETE FROM search_docs WHERE id = old.id * 8 + 3;
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE kind = 3 AND ref_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 3 AND ref_id = new.id;
END;
CREATE TRIGGER search_deals_ad AFTER DELETE ON deals BEGIN
	DELETE FROM search_fts WHERE docid = old.id * 8 + 3;
	DELETE FROM search_docs WHERE id = old.id * 8 + 3;
END;

CREATE TRIGGER search_interactions_ai AFTER INSERT ON interactions BEGIN
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE kind = 4 AND ref_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 4 AND ref_id = new.id;
END;
CREATE TRIGGER search_interactions_au AFTER UPDATE ON interactions BEGIN
	DELETE FROM search_fts WHERE docid = old.id * 8 + 4;
	DELETE FROM search_docs WHERE id = old.id * 8 + 4;
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE kind = 4 AND ref_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 4 AND ref_id = new.id;
END;
CREATE TRIGGER search_interactions_ad AFTER DELETE ON interactions BEGIN
	DELETE FROM search_fts WHERE docid = old.id * 8 + 4;
	DELETE FROM search_docs WHERE id = old.id * 8 + 4;
END;

CREATE TRIGGER search_follow_ups_ai AFTER INSERT ON follow_ups BEGIN
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE kind = 5 AND ref_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 5 AND ref_id = new.id;
END;
CREATE TRIGGER search_follow_ups_au AFTER UPDATE OF customer_id, contact_id, note ON follow_ups BEGIN
	DELETE FROM search_fts WHERE docid = old.id * 8 + 5;
	DELETE FROM search_docs WHERE id = old.id * 8 + 5;
	INSERT INTO search_docs (id, customer_id, at) SELECT docid, customer_id, at FROM search_source WHERE kind = 5 AND ref_id = new.id;
	INSERT INTO search_fts (docid, title, people, body) SELECT docid, title, people, body FROM search_source WHERE kind = 5 AND ref_id = new.id;
END;
CREATE TRIGGER search_follow_ups_ad AFTER DELETE ON follow_ups BEGIN
	DELETE FROM search_fts WHERE docid = old.id * 8 + 5;
	DELETE FROM search_docs WHERE id = old.id * 8 + 5;
END;

-- A customer's history is the audit of every record of theirs. Created
-- and deleted rows carry their customer_id in the audit itself (a row undone
-- away is still history); updated ones are found through the row.
CREATE INDEX audit_customer ON audit (coalesce(json_extract(after, '$.customer_id'), json_extract(before, '$.customer_id')));
