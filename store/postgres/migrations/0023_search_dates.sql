-- A logged call moves the customer's last-contact date, and the customer's
-- and contacts' search documents rank by it: the trigger copied it into
-- every such document, a new version of each row and its words in the GIN
-- index, 1 to 3 ms a call. The search reads it from the customer it joins
-- anyway (as SQLite's search has since its migration 0019), so the
-- trigger no longer copies it; search_docs.at stays for the other kinds.
CREATE OR REPLACE FUNCTION search_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_docs WHERE customer_id = OLD.id;
	ELSIF TG_OP = 'UPDATE' AND OLD.name IS DISTINCT FROM NEW.name THEN
		PERFORM search_put(1, NULL, NEW.id);
	ELSIF TG_OP = 'INSERT' OR (OLD.tags, OLD.email, OLD.phone) IS DISTINCT FROM (NEW.tags, NEW.email, NEW.phone) THEN
		PERFORM search_put(1, NEW.id, NULL);
	END IF;
	RETURN NULL;
END $$;
