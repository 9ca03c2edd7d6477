-- PostgreSQL's migration of this name stops copying a customer's
-- last-contact date into their search documents, as SQLite's 0019 did.
-- The file keeps both stores' migrations in step, which migrate-data
-- checks.
SELECT 1;
