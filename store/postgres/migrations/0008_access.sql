-- Who may come in. A user who left is kept, for the audit trail, with the
-- time they left; they can no longer use Tend.
ALTER TABLE users ADD COLUMN left_at BIGINT NOT NULL DEFAULT 0;

-- One-time codes: an invite lets a newcomer in with a role; a link adds an
-- account on another platform to an existing user. Only a hash of the code
-- is kept, so a copy of the database holds no code anyone could use.
CREATE TABLE access_codes (
	hash       TEXT   PRIMARY KEY,
	kind       TEXT   NOT NULL CHECK (kind IN ('invite', 'link')),
	role       TEXT   NOT NULL DEFAULT '' CHECK (role IN ('', 'admin', 'manager', 'rep')),
	user_id    BIGINT NOT NULL REFERENCES users (id) DEFERRABLE, -- who made an invite; whose account a link extends
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at    BIGINT NOT NULL DEFAULT 0,
	used_by    BIGINT REFERENCES users (id) DEFERRABLE
);
