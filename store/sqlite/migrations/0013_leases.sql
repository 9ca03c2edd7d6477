-- Roles only one replica may play at a time (polling one Telegram bot):
-- the holder renews its row before expires_at (Unix milliseconds), and
-- another replica takes the role over once the row has expired.
CREATE TABLE leases (
	name       TEXT    PRIMARY KEY,
	holder     TEXT    NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
