-- The id a record has in the file or system it was imported from, so that
-- importing the same file again updates rather than duplicates. NULL for
-- records made in Tend.
ALTER TABLE users ADD COLUMN external_id TEXT;
ALTER TABLE customers ADD COLUMN external_id TEXT;
ALTER TABLE contacts ADD COLUMN external_id TEXT;
ALTER TABLE deals ADD COLUMN external_id TEXT;
ALTER TABLE interactions ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX users_external ON users (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX customers_external ON customers (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX contacts_external ON contacts (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX deals_external ON deals (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX interactions_external ON interactions (external_id) WHERE external_id IS NOT NULL;
