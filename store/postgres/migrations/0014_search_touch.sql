-- Logging a call moves the customer's last-contact date, which only changes
-- when their search documents rank, not what they say: the customer's text
-- is indexed again only when an indexed column changes (as in SQLite's
-- migration of the same name).
CREATE OR REPLACE FUNCTION search_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_docs WHERE customer_id = OLD.id;
	ELSIF TG_OP = 'UPDATE' AND OLD.name IS DISTINCT FROM NEW.name THEN
		PERFORM search_put(1, NULL, NEW.id);
	ELSIF TG_OP = 'INSERT' OR (OLD.tags, OLD.email, OLD.phone) IS DISTINCT FROM (NEW.tags, NEW.email, NEW.phone) THEN
		PERFORM search_put(1, NEW.id, NULL);
		IF TG_OP = 'UPDATE' THEN
			UPDATE search_docs SET at = GREATEST(NEW.last_contact_at, NEW.created_at) WHERE customer_id = NEW.id AND id % 8 = 2;
		END IF;
	ELSIF GREATEST(OLD.last_contact_at, OLD.created_at) IS DISTINCT FROM GREATEST(NEW.last_contact_at, NEW.created_at) THEN
		UPDATE search_docs SET at = GREATEST(NEW.last_contact_at, NEW.created_at) WHERE customer_id = NEW.id AND id % 8 IN (1, 2);
	END IF;
	RETURN NULL;
END $$;
