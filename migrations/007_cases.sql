-- Live cases (issue 7): an editable category list, the case workflow with the time of each step
-- (case_events, whose id is the live stream's event id), attribution to subdistrict/community/grid,
-- and the grid layout by date (grid_history, kept by statement-level triggers on grids) so a case is
-- placed in the grid that was valid when it was reported. No personal-data columns.

CREATE TABLE IF NOT EXISTS case_categories (
	code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
	name_zh text NOT NULL CHECK (name_zh <> ''),
	name_en text NOT NULL CHECK (name_en <> ''),
	-- Other names the same class arrives under (12345 hotline, city-management systems).
	aliases text[] NOT NULL DEFAULT '{}',
	-- Default time to close a case of this class, from its report (due_at = reported_at + due_hours).
	due_hours integer NOT NULL DEFAULT 72 CHECK (due_hours > 0),
	sort integer NOT NULL DEFAULT 0
);
INSERT INTO case_categories (code, name_zh, name_en, aliases, due_hours, sort) VALUES
	('dispute', '矛盾纠纷', 'Dispute', ARRAY['纠纷', '邻里纠纷', '矛盾'], 72, 10),
	('safety_hazard', '安全隐患', 'Safety hazard', ARRAY['隐患', '消防隐患', '安全生产'], 24, 20),
	('environment', '环境卫生', 'Environment & sanitation', ARRAY['城市环境', '市容环境', '市容环卫', '环境', '垃圾', 'sanitation'], 48, 30),
	('livelihood', '民生诉求', 'Livelihood request', ARRAY['民生', '诉求', '民生服务'], 120, 40),
	('public_health', '公共卫生', 'Public health', ARRAY['卫生防疫', '疫情防控'], 24, 50),
	('facility_damage', '设施损坏', 'Facility damage', ARRAY['设施', '部件损坏', '公共设施', '城市部件'], 72, 60),
	('other', '其他', 'Other', ARRAY['其它'], 120, 99)
ON CONFLICT (code) DO NOTHING;

-- Cases imported before this migration: map free-text categories onto the list, unknown → other.
UPDATE cases c SET category = coalesce(
	(SELECT k.code FROM case_categories k
	 WHERE lower(c.category) IN (k.code, lower(k.name_zh), lower(k.name_en)) OR c.category = ANY (k.aliases)
	 ORDER BY k.sort LIMIT 1),
	'other')
WHERE c.category NOT IN (SELECT code FROM case_categories);
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_category_fkey;
ALTER TABLE cases ADD CONSTRAINT cases_category_fkey FOREIGN KEY (category)
	REFERENCES case_categories (code) ON UPDATE CASCADE;

UPDATE cases SET status = 'reported'
WHERE status NOT IN ('reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated');
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check
	CHECK (status IN ('reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated'));

ALTER TABLE cases ADD COLUMN IF NOT EXISTS escalation_level text;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS subdistrict_code text;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS outside_jurisdiction boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS due_at timestamptz;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_escalation_check;
ALTER TABLE cases ADD CONSTRAINT cases_escalation_check CHECK (
	(status = 'escalated' AND escalation_level IN ('grid', 'community', 'subdistrict'))
	OR (status <> 'escalated' AND escalation_level IS NULL));
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_subdistrict_code_fkey;
ALTER TABLE cases ADD CONSTRAINT cases_subdistrict_code_fkey FOREIGN KEY (subdistrict_code)
	REFERENCES subdistricts (code) ON UPDATE CASCADE ON DELETE SET NULL;
UPDATE cases c SET subdistrict_code = m.subdistrict_code
FROM communities m WHERE m.code = c.community_code AND c.subdistrict_code IS NULL;
UPDATE cases SET outside_jurisdiction = true WHERE community_code IS NULL AND NOT outside_jurisdiction;
CREATE INDEX IF NOT EXISTS cases_updated_idx ON cases (updated_at);
CREATE INDEX IF NOT EXISTS cases_grid_idx ON cases (grid_code);
CREATE INDEX IF NOT EXISTS cases_community_idx ON cases (community_code);

-- The time of each workflow step. The id orders the live stream (SSE event id).
CREATE TABLE IF NOT EXISTS case_events (
	id bigserial PRIMARY KEY,
	case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	kind text NOT NULL DEFAULT 'status' CHECK (kind IN ('new', 'status', 'update')),
	status text NOT NULL CHECK (status IN ('reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated')),
	escalation_level text CHECK (escalation_level IN ('grid', 'community', 'subdistrict')),
	at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS case_events_case_idx ON case_events (case_id);
INSERT INTO case_events (case_id, kind, status, escalation_level, at)
SELECT c.id, 'new', c.status, c.escalation_level, c.reported_at FROM cases c
WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id);

-- Grid layout by date: one row per version of a grid; valid_to NULL = current. The first version
-- of a code is valid from -infinity (nothing older is known); later versions from their change.
CREATE TABLE IF NOT EXISTS grid_history (
	id bigserial PRIMARY KEY,
	grid_code text NOT NULL,
	community_code text NOT NULL,
	geom geometry(MultiPolygon, 4326) NOT NULL,
	valid_from timestamptz NOT NULL,
	valid_to timestamptz,
	CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX IF NOT EXISTS grid_history_geom_idx ON grid_history USING gist (geom);
CREATE INDEX IF NOT EXISTS grid_history_code_idx ON grid_history (grid_code);
INSERT INTO grid_history (grid_code, community_code, geom, valid_from)
SELECT g.code, g.community_code, g.geom, '-infinity' FROM grids g
WHERE NOT EXISTS (SELECT 1 FROM grid_history h WHERE h.grid_code = g.code);

-- Statement-level (set-based) triggers with transition tables: a 100k-grid import costs one
-- INSERT … SELECT, not 100k trigger calls.
CREATE OR REPLACE FUNCTION grid_history_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO grid_history (grid_code, community_code, geom, valid_from)
	SELECT n.code, n.community_code, n.geom,
		CASE WHEN EXISTS (SELECT 1 FROM grid_history h WHERE h.grid_code = n.code) THEN now() ELSE '-infinity'::timestamptz END
	FROM new_rows n;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION grid_history_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- Close the open version of every changed grid (geometry, code or community changed) …
	UPDATE grid_history h SET valid_to = now()
	FROM old_rows o
	WHERE h.grid_code = o.code AND h.valid_to IS NULL
		AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.code = o.code AND n.community_code = o.community_code AND n.geom = o.geom);
	-- … and open its new version.
	INSERT INTO grid_history (grid_code, community_code, geom, valid_from)
	SELECT n.code, n.community_code, n.geom,
		CASE WHEN EXISTS (SELECT 1 FROM grid_history h WHERE h.grid_code = n.code) THEN now() ELSE '-infinity'::timestamptz END
	FROM new_rows n
	WHERE NOT EXISTS (SELECT 1 FROM grid_history h WHERE h.grid_code = n.code AND h.valid_to IS NULL);
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION grid_history_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE grid_history h SET valid_to = now()
	FROM old_rows o WHERE h.grid_code = o.code AND h.valid_to IS NULL;
	RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS grids_history_insert ON grids;
CREATE TRIGGER grids_history_insert AFTER INSERT ON grids
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION grid_history_on_insert();
DROP TRIGGER IF EXISTS grids_history_update ON grids;
CREATE TRIGGER grids_history_update AFTER UPDATE ON grids
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION grid_history_on_update();
DROP TRIGGER IF EXISTS grids_history_delete ON grids;
CREATE TRIGGER grids_history_delete AFTER DELETE ON grids
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION grid_history_on_delete();
