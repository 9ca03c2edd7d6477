-- What each kind of record contributes to the search index, one view per
-- kind. Indexing a call through search_source, even with its kind written
-- into the query, ran all five branches of the union as a co-routine and
-- cost about three times the call's own branch (220 against 80 µs a
-- document on a 1,000,000-call book): the batch indexer, which indexes
-- every logged call and follow-up, reads the views of its kinds directly.
-- search_source stays the union of them all, for the triggers.

CREATE VIEW search_source_customers (ref_id, docid, customer_id, at, title, people, body) AS
	SELECT c.id, c.id * 8 + 1, c.id, max(c.last_contact_at, c.created_at),
		replace(replace(n.names, 'đ', 'd'), 'Đ', 'D'), '',
		replace(replace(c.tags || ' ' || c.email || ' ' || c.phone, 'đ', 'd'), 'Đ', 'D')
	FROM customers c JOIN search_names n ON n.customer_id = c.id;

CREATE VIEW search_source_contacts (ref_id, docid, customer_id, at, title, people, body) AS
	SELECT p.id, p.id * 8 + 2, p.customer_id, max(c.last_contact_at, c.created_at),
		replace(replace(p.name, 'đ', 'd'), 'Đ', 'D'), replace(replace(n.names, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(p.role || ' ' || p.email || ' ' || p.phone, 'đ', 'd'), 'Đ', 'D')
	FROM contacts p JOIN customers c ON c.id = p.customer_id JOIN search_names n ON n.customer_id = p.customer_id;

CREATE VIEW search_source_deals (ref_id, docid, customer_id, at, title, people, body) AS
	SELECT d.id, d.id * 8 + 3, d.customer_id, max(d.stage_changed_at, d.created_at),
		replace(replace(d.title, 'đ', 'd'), 'Đ', 'D'), replace(replace(n.names, 'đ', 'd'), 'Đ', 'D'),
		replace(replace(d.stage || ' ' || d.need || ' ' || d.budget || ' ' || d.authority, 'đ', 'd'), 'Đ', 'D')
	FROM deals d JOIN search_names n ON n.customer_id = d.customer_id;

CREATE VIEW search_source_interactions (ref_id, docid, customer_id, at, title, people, body) AS
	SELECT i.id, i.id * 8 + 4, i.customer_id, i.at, '',
		replace(replace(n.names || COALESCE(' ' || p.name, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(i.summary, 'đ', 'd'), 'Đ', 'D')
	FROM interactions i JOIN search_names n ON n.customer_id = i.customer_id LEFT JOIN contacts p ON p.id = i.contact_id;

CREATE VIEW search_source_follow_ups (ref_id, docid, customer_id, at, title, people, body) AS
	SELECT f.id, f.id * 8 + 5, f.customer_id, f.created_at, '',
		replace(replace(n.names || COALESCE(' ' || p.name, ''), 'đ', 'd'), 'Đ', 'D'),
		replace(replace(f.note, 'đ', 'd'), 'Đ', 'D')
	FROM follow_ups f JOIN search_names n ON n.customer_id = f.customer_id LEFT JOIN contacts p ON p.id = f.contact_id;

DROP VIEW search_source;
CREATE VIEW search_source (kind, ref_id, docid, customer_id, at, title, people, body) AS
	SELECT 1, * FROM search_source_customers
	UNION ALL SELECT 2, * FROM search_source_contacts
	UNION ALL SELECT 3, * FROM search_source_deals
	UNION ALL SELECT 4, * FROM search_source_interactions
	UNION ALL SELECT 5, * FROM search_source_follow_ups;
