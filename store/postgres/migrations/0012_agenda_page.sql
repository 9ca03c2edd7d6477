-- A busy rep's agenda loads, per segment, the first long-overdue customers
-- by name (store.AgendaFilter.Page): this index hands them over in order.
CREATE INDEX customers_owner_segment_name ON customers (owner_id, segment, name, id) WHERE touch_due_at > 0;
