-- Columns the database keeps for grid tiles (issue 3: uncached tiles within 20 ms).
--
-- overview_zoom — the map draws grids from zoom 12 (communities below), where a grid of a dense city
-- is about 11 px across; at zoom 10 it is 3 px and a tile holds 12,000–31,000 of them (≈ 1 MB, beyond
-- what a tile should be). Below zoom 12 a grid tile therefore carries only the grids at least 16 px
-- across at that zoom (512 px tiles: a 1 km grid at zoom 11, 2 km at zoom 10), as tile makers leave
-- out features too small to see below a base zoom (tippecanoe's base zoom and "drop smallest"); from
-- zoom 12 on, every grid. overview_zoom is the first zoom at which the grid's larger bounding-box
-- side, in Web Mercator, spans 16 px: ceil(log2(16 / span at zoom 0)). The partial indexes hold only
-- the grids drawn at zoom 11 (and 10 and below), so a low-zoom tile never visits the small ones.
--
-- geom_3857 — the grids in Web Mercator: ST_AsMVTGeom needs EPSG:3857, and transforming 2,000 grids
-- for a zoom-12 tile took half of the server engine's time for it (ST_Transform goes through PROJ
-- vertex by vertex). The same transformation as on the fly, so the same tiles.
--
-- tile_properties — a grid's properties in its tiles, as the JSON array the embedded engine's tiler
-- reads (the list of LAYER_SQL.grids in src/lib/server/map/tiles.ts, in that order): built once per write
-- instead of once per tile and grid (a fifth of a zoom-12 tile's query). json_build_array is only
-- STABLE because some types print by settings; text and boolean do not, so the wrapper may say
-- IMMUTABLE, as a generated column needs.
CREATE OR REPLACE FUNCTION grid_tile_properties(code text, name text, kind text, community_code text, illustrative boolean)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT json_build_array(code, name, kind, community_code, illustrative)::text $$;

-- One ALTER TABLE, so the table is rewritten once.
ALTER TABLE grids
	ADD COLUMN IF NOT EXISTS overview_zoom smallint GENERATED ALWAYS AS (
		CASE WHEN greatest(
				(ST_XMax(geom) - ST_XMin(geom)) / 360.0,
				(ln(tan(pi() / 4 + radians(ST_YMax(geom)) / 2)) - ln(tan(pi() / 4 + radians(ST_YMin(geom)) / 2))) / (2 * pi())
			) > 0
		THEN least(32, greatest(0, ceil(ln(16.0 / (512.0 * greatest(
				(ST_XMax(geom) - ST_XMin(geom)) / 360.0,
				(ln(tan(pi() / 4 + radians(ST_YMax(geom)) / 2)) - ln(tan(pi() / 4 + radians(ST_YMin(geom)) / 2))) / (2 * pi())
			))) / ln(2.0))))::smallint
		ELSE 32 END
	) STORED,
	ADD COLUMN IF NOT EXISTS geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
	ADD COLUMN IF NOT EXISTS tile_properties text
		GENERATED ALWAYS AS (grid_tile_properties(code, name, kind, community_code, illustrative)) STORED;

CREATE INDEX IF NOT EXISTS grids_overview_11_geom_idx ON grids USING gist (geom) WHERE overview_zoom <= 11;
CREATE INDEX IF NOT EXISTS grids_overview_10_geom_idx ON grids USING gist (geom) WHERE overview_zoom <= 10;

-- The audit log records what people wrote, not what the database works out from it: the
-- generated columns above are left out of a grid's before/after (as in 008, plus `derived`).
CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	old_j jsonb;
	new_j jsonb;
	noise text[] := ARRAY['updated_at', 'failed_logins', 'locked_until', 'last_login_at', 'last_seen_at', 'last_used_at'];
	derived text[] := ARRAY['geom_3857', 'overview_zoom', 'tile_properties'];
	key_col text := TG_ARGV[0];
	unit_col text := TG_ARGV[1];
	row_j jsonb;
BEGIN
	IF current_setting('gridatlas.bulk', true) = 'on' THEN
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' THEN old_j := to_jsonb(OLD); END IF;
	IF TG_OP <> 'DELETE' THEN new_j := to_jsonb(NEW); END IF;
	old_j := old_j - derived;
	new_j := new_j - derived;
	IF TG_OP = 'UPDATE' AND (old_j - noise) = (new_j - noise) THEN
		RETURN NULL;
	END IF;
	IF old_j ? 'geom' AND old_j ->> 'geom' IS NOT NULL THEN
		old_j := jsonb_set(old_j, '{geom}', ST_AsGeoJSON((old_j ->> 'geom')::geometry, 7)::jsonb);
	END IF;
	IF new_j ? 'geom' AND new_j ->> 'geom' IS NOT NULL THEN
		new_j := jsonb_set(new_j, '{geom}', ST_AsGeoJSON((new_j ->> 'geom')::geometry, 7)::jsonb);
	END IF;
	-- Never a secret in the log: a changed password is recorded as a fact.
	IF old_j ? 'password_hash' OR new_j ? 'password_hash' THEN
		IF TG_OP = 'UPDATE' AND old_j ->> 'password_hash' IS DISTINCT FROM new_j ->> 'password_hash' THEN
			new_j := new_j || '{"password_changed": true}'::jsonb;
		END IF;
		old_j := old_j - 'password_hash';
		new_j := new_j - 'password_hash';
	END IF;
	IF old_j ? 'token_hash' OR new_j ? 'token_hash' THEN
		old_j := old_j - 'token_hash';
		new_j := new_j - 'token_hash';
	END IF;
	row_j := coalesce(new_j, old_j);
	INSERT INTO audit_log (actor, action, entity, entity_id, unit_code, before, after)
	VALUES (
		coalesce(nullif(current_setting('gridatlas.actor', true), ''), 'system'),
		lower(TG_OP),
		TG_TABLE_NAME,
		row_j ->> key_col,
		CASE WHEN unit_col = '' THEN NULL ELSE coalesce(row_j ->> unit_col, old_j ->> unit_col) END,
		CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE old_j - noise END,
		CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE new_j - noise END
	);
	RETURN NULL;
END $$;
