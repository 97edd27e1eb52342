-- Grid plans (issue 6): every save of a community's grid layout is a revision — who, when, note,
-- draft or approved, the revision it was based on (conflict detection) and, once approved, the date
-- it takes effect. A revision holds its whole layout: the grids and every building's grid (painted
-- by the planner, or the grid holding the building). Saving an approved revision replaces the
-- community's rows in `grids` in the same transaction; the grid_history triggers of 007_cases.sql
-- record the change and the save moves the changed versions to the effective date, so cases are
-- joined to the layout valid on their day.
CREATE TABLE IF NOT EXISTS plan_revisions (
	id bigserial PRIMARY KEY,
	community_code text NOT NULL REFERENCES communities (code) ON UPDATE CASCADE ON DELETE CASCADE,
	status text NOT NULL CHECK (status IN ('draft', 'approved')),
	note text NOT NULL DEFAULT '',
	author text NOT NULL CHECK (author <> ''),
	created_at timestamptz NOT NULL DEFAULT now(),
	-- The day (Beijing time) an approved layout takes effect; NULL for drafts and for the baseline.
	effective_from date,
	-- The latest revision the planner started from; a save based on an older one is a conflict.
	base_revision bigint REFERENCES plan_revisions (id) ON DELETE SET NULL,
	-- editor | import (a file) | proposal | baseline (the layout found in `grids` before the first save)
	source text NOT NULL DEFAULT 'editor' CHECK (source IN ('editor', 'import', 'proposal', 'baseline')),
	-- Households per grid, band and soft-rule warnings at save time.
	stats jsonb NOT NULL DEFAULT '{}',
	CHECK (status = 'draft' OR effective_from IS NOT NULL OR source = 'baseline')
);
CREATE INDEX IF NOT EXISTS plan_revisions_community_idx ON plan_revisions (community_code, id);

CREATE TABLE IF NOT EXISTS plan_revision_grids (
	revision_id bigint NOT NULL REFERENCES plan_revisions (id) ON DELETE CASCADE,
	code text NOT NULL CHECK (code ~ '^[0-9]{15}$'),
	seq integer NOT NULL CHECK (seq BETWEEN 1 AND 999),
	name text NOT NULL,
	kind text NOT NULL DEFAULT 'basic' CHECK (kind IN ('basic', 'dedicated')),
	geom geometry(MultiPolygon, 4326) NOT NULL,
	PRIMARY KEY (revision_id, code),
	CHECK (right(code, 3) = lpad(seq::text, 3, '0'))
);
CREATE INDEX IF NOT EXISTS plan_revision_grids_geom_idx ON plan_revision_grids USING gist (geom);

CREATE TABLE IF NOT EXISTS plan_revision_buildings (
	revision_id bigint NOT NULL REFERENCES plan_revisions (id) ON DELETE CASCADE,
	building_id bigint NOT NULL REFERENCES buildings (id) ON DELETE CASCADE,
	grid_code text NOT NULL,
	-- true: the planner painted the building to this grid; false: the grid holds the building.
	painted boolean NOT NULL DEFAULT false,
	PRIMARY KEY (revision_id, building_id)
);

-- Every saved revision (draft or approved) in the audit log too, with its author as the actor.
DROP TRIGGER IF EXISTS plan_revisions_audit ON plan_revisions;
CREATE TRIGGER plan_revisions_audit AFTER INSERT OR UPDATE OR DELETE ON plan_revisions
	FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'community_code');
