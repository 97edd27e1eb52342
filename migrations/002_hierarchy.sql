-- Subdistrict (街道) → community (社区) → grid (网格). Codes are the official statistical codes:
-- 9 digits for a subdistrict, 12 for a community (subdistrict code + 3), 15 for a grid (community code + 3).
-- Geometry is WGS-84. Code lists may arrive before their boundaries, so boundaries are nullable.
CREATE TABLE IF NOT EXISTS subdistricts (
	code text PRIMARY KEY CHECK (code ~ '^[0-9]{9}$'),
	name text NOT NULL CHECK (name <> ''),
	district_code text,
	district_name text,
	geom geometry(MultiPolygon, 4326),
	illustrative boolean NOT NULL DEFAULT false,
	source_file text,
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS subdistricts_geom_idx ON subdistricts USING gist (geom);

CREATE TABLE IF NOT EXISTS communities (
	code text PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
	subdistrict_code text NOT NULL REFERENCES subdistricts (code) ON UPDATE CASCADE,
	name text NOT NULL CHECK (name <> ''),
	households integer CHECK (households >= 0),
	households_estimated boolean NOT NULL DEFAULT false,
	population integer CHECK (population >= 0),
	population_estimated boolean NOT NULL DEFAULT false,
	service_space_m2 double precision CHECK (service_space_m2 >= 0),
	-- Per-community grid size band (households per grid); national practice ~300–500.
	grid_households_min integer NOT NULL DEFAULT 300,
	grid_households_max integer NOT NULL DEFAULT 500,
	geom geometry(MultiPolygon, 4326),
	illustrative boolean NOT NULL DEFAULT false,
	source_file text,
	updated_at timestamptz NOT NULL DEFAULT now(),
	CHECK (substr(code, 1, 9) = subdistrict_code),
	CHECK (grid_households_min > 0 AND grid_households_min <= grid_households_max)
);
CREATE INDEX IF NOT EXISTS communities_geom_idx ON communities USING gist (geom);
CREATE INDEX IF NOT EXISTS communities_subdistrict_idx ON communities (subdistrict_code);

CREATE TABLE IF NOT EXISTS grids (
	code text PRIMARY KEY CHECK (code ~ '^[0-9]{15}$'),
	community_code text NOT NULL REFERENCES communities (code) ON UPDATE CASCADE ON DELETE CASCADE,
	-- The parts kept separately so the 15-digit code or the 20-digit CJ/T 349 variant can be exported.
	seq integer NOT NULL CHECK (seq BETWEEN 1 AND 999),
	name text NOT NULL,
	kind text NOT NULL DEFAULT 'basic' CHECK (kind IN ('basic', 'dedicated')),
	geom geometry(MultiPolygon, 4326) NOT NULL,
	illustrative boolean NOT NULL DEFAULT false,
	source_file text,
	updated_at timestamptz NOT NULL DEFAULT now(),
	CHECK (code = community_code || lpad(seq::text, 3, '0'))
);
CREATE INDEX IF NOT EXISTS grids_geom_idx ON grids USING gist (geom);
CREATE INDEX IF NOT EXISTS grids_community_idx ON grids (community_code);
