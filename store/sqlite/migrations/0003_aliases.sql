-- Other names a customer goes by ("MP" for "Minh Phát"), matched like names.
CREATE TABLE customer_aliases (
	id          INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	alias       TEXT    NOT NULL,
	alias_key   TEXT    NOT NULL,
	UNIQUE (customer_id, alias_key)
);
CREATE INDEX customer_aliases_key ON customer_aliases (alias_key);
