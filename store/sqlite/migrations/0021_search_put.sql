-- PostgreSQL's migration of this name gives its search triggers' function
-- a plan for each of its uses and folds text faster; SQLite's triggers
-- already read one kind's view each (0016, 0018) and fold in the FTS
-- tokenizer. The file keeps both stores' migrations in step, which
-- migrate-data checks.
SELECT 1;
