-- Network scenarios (issue 21 part 3): a planner's named edits to the walking network — footpaths,
-- footbridges, gates opened or closed, road segments closed — kept apart from the imported network
-- (walk_edges is never touched). `edits` is the list geo/network/scenario.ts parses: each
-- {kind, coordinates: [[lon, lat], …], label?}. Audited like the rules.
CREATE TABLE IF NOT EXISTS walk_scenarios (
	id bigserial PRIMARY KEY,
	name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 60),
	edits jsonb NOT NULL CHECK (jsonb_typeof(edits) = 'array'),
	created_by text NOT NULL DEFAULT 'system',
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS walk_scenarios_name_idx ON walk_scenarios (lower(btrim(name)));

DROP TRIGGER IF EXISTS walk_scenarios_audit ON walk_scenarios;
CREATE TRIGGER walk_scenarios_audit AFTER INSERT OR UPDATE OR DELETE ON walk_scenarios
	FOR EACH ROW EXECUTE FUNCTION audit_row('id', '');
