-- SQLite's migration of this name points its search triggers at the
-- per-kind views of migration 0016. PostgreSQL's triggers index each
-- record directly and need no change. The file keeps both stores'
-- migrations in step, which migrate-data checks.
SELECT 1;
