-- The follow-up answer counts a rep's customers past their cadence (the
-- total on its first line) and ranks those past it lately by a score of
-- segment and date: some 3,000 and 1,200 customers for a rep with 5,000,
-- each read from the table for two columns. With them in the index both
-- queries read the index alone.
DROP INDEX customers_owner_touch;
CREATE INDEX customers_owner_touch ON customers (owner_id, touch_due_at, cadence_days, segment) WHERE touch_due_at > 0;
