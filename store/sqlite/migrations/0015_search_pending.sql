-- Interactions and follow-ups, the records every logged message adds, are
-- indexed for search in batches rather than in the transaction that writes
-- them: FTS4 writes and merges index segments per transaction, which cost
-- as much as the rest of logging a call. Their ranking rows (search_docs)
-- are still written at once; their text waits in search_pending, which is
-- indexed in the background and before every search, so a search never
-- misses a record.
CREATE TABLE search_pending (docid INTEGER PRIMARY KEY);

DROP TRIGGER search_interactions_ai;
CREATE TRIGGER search_interactions_ai AFTER INSERT ON interactions BEGIN
	INSERT INTO search_docs (id, customer_id, at) VALUES (new.id * 8 + 4, new.customer_id, new.at);
	INSERT OR IGNORE INTO search_pending (docid) VALUES (new.id * 8 + 4);
END;

DROP TRIGGER search_follow_ups_ai;
CREATE TRIGGER search_follow_ups_ai AFTER INSERT ON follow_ups BEGIN
	INSERT INTO search_docs (id, customer_id, at) VALUES (new.id * 8 + 5, new.customer_id, new.created_at);
	INSERT OR IGNORE INTO search_pending (docid) VALUES (new.id * 8 + 5);
END;
