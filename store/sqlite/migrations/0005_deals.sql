-- Deals written from chat: a folded title to find them by, the reason a
-- lost deal was lost, captured messages linked to their deal, and the
-- chats bound to a deal.
ALTER TABLE deals ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN lost_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX deals_title_key ON deals (title_key);

ALTER TABLE interactions ADD COLUMN deal_id INTEGER REFERENCES deals (id);
CREATE INDEX interactions_deal ON interactions (deal_id, at) WHERE deal_id IS NOT NULL;

-- A chat (or a thread in it) bound to a deal: its messages go to the
-- deal's timeline, all of them or only those addressed to Tend.
CREATE TABLE deal_bindings (
	id         INTEGER PRIMARY KEY,
	platform   TEXT    NOT NULL,
	chat_id    TEXT    NOT NULL,
	thread_id  TEXT    NOT NULL DEFAULT '',
	deal_id    INTEGER NOT NULL REFERENCES deals (id),
	capture    TEXT    NOT NULL DEFAULT 'mentions' CHECK (capture IN ('mentions', 'all')),
	bound_by   INTEGER NOT NULL REFERENCES users (id),
	created_at INTEGER NOT NULL,
	UNIQUE (platform, chat_id, thread_id)
);
CREATE INDEX deal_bindings_deal ON deal_bindings (deal_id);
