-- When each case was closed (the latest 'closed' event), kept on the case itself: the dashboards'
-- KPIs (/api/wall, /api/cases/kpis) read it for every case of the last 370 days, and looking it up in
-- case_events per case was most of their time (every wall screen asks again after news). Kept by
-- statement-level triggers on case_events in the transaction of every write — the ingest, the
-- workflow's steps, imports and plain SQL alike — so it cannot drift from the events. Run twice, this
-- migration fills it again from the events.

ALTER TABLE cases ADD COLUMN IF NOT EXISTS closed_at timestamptz;

UPDATE cases c SET closed_at = e.closed
FROM (SELECT case_id, max(at) AS closed FROM case_events WHERE status = 'closed' GROUP BY case_id) e
WHERE e.case_id = c.id AND c.closed_at IS DISTINCT FROM e.closed;
UPDATE cases c SET closed_at = NULL
WHERE c.closed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.status = 'closed');

-- The cases named in a statement's changed event rows take the time of their latest closed event
-- (NULL when none is left); only rows whose time moves are written.
CREATE OR REPLACE FUNCTION case_closed_at_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF ids IS NULL OR cardinality(ids) = 0 THEN
		RETURN;
	END IF;
	UPDATE cases c SET closed_at = x.closed
	FROM (
		SELECT i.id, (SELECT max(e.at) FROM case_events e WHERE e.case_id = i.id AND e.status = 'closed') AS closed
		FROM (SELECT DISTINCT unnest(ids) AS id) i
	) x
	WHERE c.id = x.id AND c.closed_at IS DISTINCT FROM x.closed;
END $$;

-- Only closures move a case's closure time: the cases of the changed rows that are (or were) closed.
-- Each branch names only the transition tables its operation has (PL/pgSQL plans a statement when it
-- first runs it).
CREATE OR REPLACE FUNCTION case_closed_at_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM case_closed_at_refresh(ARRAY(SELECT case_id FROM new_rows WHERE status = 'closed'));
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM case_closed_at_refresh(ARRAY(SELECT case_id FROM old_rows WHERE status = 'closed'));
	ELSE
		PERFORM case_closed_at_refresh(ARRAY(
			SELECT case_id FROM old_rows WHERE status = 'closed' UNION SELECT case_id FROM new_rows WHERE status = 'closed'));
	END IF;
	RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS case_events_closed_at_insert ON case_events;
CREATE TRIGGER case_events_closed_at_insert AFTER INSERT ON case_events
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_closed_at_changed();
DROP TRIGGER IF EXISTS case_events_closed_at_update ON case_events;
CREATE TRIGGER case_events_closed_at_update AFTER UPDATE ON case_events
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_closed_at_changed();
DROP TRIGGER IF EXISTS case_events_closed_at_delete ON case_events;
CREATE TRIGGER case_events_closed_at_delete AFTER DELETE ON case_events
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_closed_at_changed();

CREATE OR REPLACE FUNCTION case_closed_at_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cases SET closed_at = NULL WHERE closed_at IS NOT NULL;
	RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS case_events_closed_at_truncate ON case_events;
CREATE TRIGGER case_events_closed_at_truncate AFTER TRUNCATE ON case_events
	FOR EACH STATEMENT EXECUTE FUNCTION case_closed_at_truncated();
