-- SQLite's migration of this name splits its search source view by kind,
-- for the speed of its batch indexer. PostgreSQL indexes in its triggers
-- and needs no change. The file keeps both stores' migrations in step,
-- which migrate-data checks.
SELECT 1;
