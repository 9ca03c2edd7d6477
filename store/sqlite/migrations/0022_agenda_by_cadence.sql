-- PostgreSQL's migration of this name gives customers_owner_segment_name
-- the condition SQLite's 0019 gave it. The file keeps both stores'
-- migrations in step, which migrate-data checks.
SELECT 1;
