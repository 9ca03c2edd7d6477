-- Roles one replica holds at a time (Telegram's long poll): who holds each,
-- until when (Unix milliseconds). A lease past expires_at is free to take.
CREATE TABLE leases (
	name       TEXT   PRIMARY KEY,
	holder     TEXT   NOT NULL,
	expires_at BIGINT NOT NULL
);
