-- The reminders ask every minute which timed follow-ups fell due.
CREATE INDEX follow_ups_due_timed ON follow_ups (due_at) WHERE status = 'open' AND all_day = 0;
