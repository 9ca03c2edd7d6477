-- A rep's manager: a manager sees their team's customers and reports.
ALTER TABLE users ADD COLUMN manager_id BIGINT REFERENCES users (id) DEFERRABLE;
CREATE INDEX users_manager ON users (manager_id) WHERE manager_id IS NOT NULL;
