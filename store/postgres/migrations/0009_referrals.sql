-- Who a customer referred: the referrer's card lists them, and the agenda
-- asks a loyal customer for a referral only while they have made none.
CREATE INDEX customers_referred_by ON customers (referred_by) WHERE referred_by IS NOT NULL;
-- Recent wins, for the customers worth asking for a referral: a team's,
-- and one owner's.
CREATE INDEX deals_won ON deals (stage_changed_at) WHERE stage = 'won';
CREATE INDEX deals_owner_won ON deals (owner_id, stage_changed_at) WHERE stage = 'won';
