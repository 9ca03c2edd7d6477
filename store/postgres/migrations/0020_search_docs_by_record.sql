-- SQLite's migration of this name drops search_docs_customer and lists a
-- customer's documents from the records instead; PostgreSQL's store keeps
-- its index (see 0019). The file keeps both stores' migrations in step,
-- which migrate-data checks.
SELECT 1;
