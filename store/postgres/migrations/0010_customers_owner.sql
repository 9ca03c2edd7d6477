-- The agenda of one owner starts from their customers: without this index
-- its deal and occasion queries scanned every open deal and occasion.
CREATE INDEX customers_owner ON customers (owner_id);
