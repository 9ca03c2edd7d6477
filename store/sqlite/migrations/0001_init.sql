-- Tend's first schema. Times are Unix seconds (UTC); 0 means "not set".
-- Names carry a folded key (lower case, no diacritics) for matching.

CREATE TABLE users (
	id              INTEGER PRIMARY KEY,
	name            TEXT    NOT NULL,
	role            TEXT    NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
	time_zone       TEXT    NOT NULL DEFAULT 'UTC',
	lang            TEXT    NOT NULL DEFAULT 'en',
	digest_time     TEXT    NOT NULL DEFAULT '08:30',
	digest_weekends INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL
);

CREATE TABLE identities (
	platform    TEXT    NOT NULL,
	external_id TEXT    NOT NULL,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	chat_id     TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (platform, external_id)
);
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE customers (
	id              INTEGER PRIMARY KEY,
	name            TEXT    NOT NULL,
	name_key        TEXT    NOT NULL,
	is_person       INTEGER NOT NULL DEFAULT 0,
	owner_id        INTEGER NOT NULL REFERENCES users (id),
	stage           TEXT    NOT NULL,
	segment         TEXT    NOT NULL DEFAULT '',
	cadence_days    INTEGER NOT NULL DEFAULT 0,
	referred_by     INTEGER REFERENCES customers (id),
	tags            TEXT    NOT NULL DEFAULT '',
	phone           TEXT    NOT NULL DEFAULT '',
	email           TEXT    NOT NULL DEFAULT '',
	last_contact_at INTEGER NOT NULL DEFAULT 0,
	touch_due_at    INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL
);
CREATE INDEX customers_name_key ON customers (name_key);
CREATE INDEX customers_owner_touch ON customers (owner_id, touch_due_at) WHERE touch_due_at > 0;

-- Customers a rep sees without owning them.
CREATE TABLE customer_shares (
	customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (customer_id, user_id)
) WITHOUT ROWID;
CREATE INDEX customer_shares_user ON customer_shares (user_id);

CREATE TABLE contacts (
	id          INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers (id),
	name        TEXT    NOT NULL,
	name_key    TEXT    NOT NULL,
	role        TEXT    NOT NULL DEFAULT '',
	phone       TEXT    NOT NULL DEFAULT '',
	email       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX contacts_customer ON contacts (customer_id, name_key);

CREATE TABLE deals (
	id               INTEGER PRIMARY KEY,
	customer_id      INTEGER NOT NULL REFERENCES customers (id),
	owner_id         INTEGER NOT NULL REFERENCES users (id),
	title            TEXT    NOT NULL,
	value            INTEGER NOT NULL DEFAULT 0,
	currency         TEXT    NOT NULL DEFAULT '',
	stage            TEXT    NOT NULL,
	need             TEXT    NOT NULL DEFAULT '',
	budget           TEXT    NOT NULL DEFAULT '',
	authority        TEXT    NOT NULL DEFAULT '',
	expected_close   INTEGER NOT NULL DEFAULT 0,
	stage_changed_at INTEGER NOT NULL,
	created_at       INTEGER NOT NULL
);
CREATE INDEX deals_customer ON deals (customer_id);
CREATE INDEX deals_owner_open ON deals (owner_id, stage_changed_at) WHERE stage NOT IN ('won', 'lost');

CREATE TABLE interactions (
	id           INTEGER PRIMARY KEY,
	customer_id  INTEGER NOT NULL REFERENCES customers (id),
	contact_id   INTEGER REFERENCES contacts (id),
	user_id      INTEGER NOT NULL REFERENCES users (id),
	kind         TEXT    NOT NULL CHECK (kind IN ('call', 'meeting', 'email', 'message', 'note')),
	at           INTEGER NOT NULL,
	summary      TEXT    NOT NULL,
	src_platform TEXT    NOT NULL DEFAULT '',
	src_event    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX interactions_customer_at ON interactions (customer_id, at);

CREATE TABLE follow_ups (
	id           INTEGER PRIMARY KEY,
	customer_id  INTEGER NOT NULL REFERENCES customers (id),
	contact_id   INTEGER REFERENCES contacts (id),
	owner_id     INTEGER NOT NULL REFERENCES users (id),
	due_at       INTEGER NOT NULL,
	all_day      INTEGER NOT NULL DEFAULT 0,
	note         TEXT    NOT NULL DEFAULT '',
	status       TEXT    NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
	snoozes      INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	completed_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX follow_ups_owner_open ON follow_ups (owner_id, due_at) WHERE status = 'open';
CREATE INDEX follow_ups_customer ON follow_ups (customer_id, status, due_at);

CREATE TABLE occasions (
	id          INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers (id),
	contact_id  INTEGER REFERENCES contacts (id),
	kind        TEXT    NOT NULL,
	month       INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
	day         INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
	year        INTEGER NOT NULL DEFAULT 0,
	lunar       INTEGER NOT NULL DEFAULT 0,
	label       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX occasions_month_day ON occasions (month, day);
CREATE INDEX occasions_customer ON occasions (customer_id);

-- One row per user action, for undo; audit holds its rows' before and after.
CREATE TABLE changes (
	id        INTEGER PRIMARY KEY,
	user_id   INTEGER NOT NULL REFERENCES users (id),
	at        INTEGER NOT NULL,
	summary   TEXT    NOT NULL,
	undoes    INTEGER REFERENCES changes (id),
	undone_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX changes_user ON changes (user_id, id);

CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	change_id INTEGER NOT NULL REFERENCES changes (id),
	entity    TEXT    NOT NULL,
	entity_id INTEGER NOT NULL,
	action    TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
	before    TEXT    NOT NULL DEFAULT '{}',
	after     TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_change ON audit (change_id);
CREATE INDEX audit_entity ON audit (entity, entity_id);

-- Platform events already handled: a redelivery is a no-op.
CREATE TABLE processed_events (
	platform TEXT    NOT NULL,
	event_id TEXT    NOT NULL,
	at       INTEGER NOT NULL,
	PRIMARY KEY (platform, event_id)
) WITHOUT ROWID;

-- Reminder deliveries: a key is claimed before sending, so it goes out once.
CREATE TABLE deliveries (
	key        TEXT    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	claimed_at INTEGER NOT NULL,
	sent_at    INTEGER NOT NULL DEFAULT 0,
	ref        TEXT    NOT NULL DEFAULT '',
	attempts   INTEGER NOT NULL DEFAULT 1,
	last_error TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- Messages waiting for one more answer (which customer was meant).
CREATE TABLE drafts (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	text       TEXT    NOT NULL,
	created_at INTEGER NOT NULL
);
