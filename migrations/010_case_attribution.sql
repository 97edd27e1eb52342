-- Case attribution in the app (issue 7, ingest speed): the API's ingest attributes each case to its
-- grid, community and subdistrict in memory (geo/cases/attribution.ts) instead of three spatial
-- lookups per row in the INSERT. Two things make that safe:
--
-- 1. boundary_version: a number that changes with every statement writing subdistricts,
--    communities, grids or grid_history. The ingest reads it FOR SHARE in its transaction and
--    reloads its in-memory boundaries when it differs, so a batch is never attributed against
--    boundaries other than the committed ones (a boundary writer waits for the batch, and the
--    batch for the writer). Values come from a sequence, which never hands out a number twice,
--    even when a transaction rolls back.
-- 2. A foreign key is checked row by row (an internal trigger per inserted row), the cost the
--    batched design exists to avoid. cases' unit codes are derived (attribution), and case_events
--    rows are written with their case in one statement, so those keys are replaced by triggers on
--    the rarely written side that do what the keys did (ON DELETE SET NULL / CASCADE, ON UPDATE
--    CASCADE), set-based per statement. The category key stays (categories are an editable list).
CREATE SEQUENCE IF NOT EXISTS boundary_version_seq;
CREATE TABLE IF NOT EXISTS boundary_version (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	version bigint NOT NULL
);
INSERT INTO boundary_version (singleton, version) VALUES (true, nextval('boundary_version_seq'))
ON CONFLICT (singleton) DO NOTHING;

CREATE OR REPLACE FUNCTION boundary_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE boundary_version SET version = nextval('boundary_version_seq');
	RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['subdistricts', 'communities', 'grids', 'grid_history'] LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_boundary_version', t);
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
			FOR EACH STATEMENT EXECUTE FUNCTION boundary_version_bump()', t || '_boundary_version', t);
	END LOOP;
END $$;

-- What the foreign keys did, per unit table: a deleted unit leaves its cases unattributed to it
-- (set-based, one UPDATE per statement), a renamed code follows into cases.
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_grid_code_fkey;
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_community_code_fkey;
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_subdistrict_code_fkey;

CREATE OR REPLACE FUNCTION cases_unit_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- TG_ARGV[0]: the cases column holding this table's code.
	EXECUTE format('UPDATE cases SET %1$I = NULL WHERE %1$I IN (SELECT code FROM old_rows)', TG_ARGV[0]);
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cases_unit_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('UPDATE cases SET %1$I = $1 WHERE %1$I = $2', TG_ARGV[0]) USING NEW.code, OLD.code;
	RETURN NULL;
END $$;

DO $$
DECLARE unit text[];
BEGIN
	FOREACH unit SLICE 1 IN ARRAY ARRAY[['grids', 'grid_code'], ['communities', 'community_code'], ['subdistricts', 'subdistrict_code']] LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', unit[1] || '_cases_deleted', unit[1]);
		EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
			FOR EACH STATEMENT EXECUTE FUNCTION cases_unit_deleted(%L)', unit[1] || '_cases_deleted', unit[1], unit[2]);
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', unit[1] || '_cases_renamed', unit[1]);
		EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF code ON %I FOR EACH ROW
			WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION cases_unit_renamed(%L)', unit[1] || '_cases_renamed', unit[1], unit[2]);
	END LOOP;
END $$;

-- case_events → cases: a deleted case takes its steps with it.
ALTER TABLE case_events DROP CONSTRAINT IF EXISTS case_events_case_id_fkey;
CREATE OR REPLACE FUNCTION case_events_case_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM case_events WHERE case_id IN (SELECT id FROM old_rows);
	RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS cases_events_deleted ON cases;
CREATE TRIGGER cases_events_deleted AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION case_events_case_deleted();
DELETE FROM case_events e WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id);

-- Cases are read by time window, unit code and id, never by area (the heat layers bin the points
-- in the app): the spatial index cost every insert about a third of its time and served no query.
DROP INDEX IF EXISTS cases_geom_idx;

-- Codes left behind by a unit deleted before this migration (the keys kept them consistent, so
-- normally none).
UPDATE cases c SET grid_code = NULL WHERE grid_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM grids g WHERE g.code = c.grid_code);
UPDATE cases c SET community_code = NULL WHERE community_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM communities m WHERE m.code = c.community_code);
UPDATE cases c SET subdistrict_code = NULL WHERE subdistrict_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM subdistricts s WHERE s.code = c.subdistrict_code);
