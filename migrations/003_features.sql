-- Buildings, facilities, roads and the walking network, cases. Every imported row keeps a stable
-- source_id (OSM id, code, file id or content hash) so re-importing a file creates no duplicates.
CREATE TABLE IF NOT EXISTS buildings (
	id bigserial PRIMARY KEY,
	source_id text NOT NULL UNIQUE,
	name text,
	geom geometry(MultiPolygon, 4326) NOT NULL,
	footprint_m2 double precision NOT NULL CHECK (footprint_m2 >= 0),
	levels double precision CHECK (levels > 0),
	levels_source text NOT NULL DEFAULT 'default' CHECK (levels_source IN ('levels', 'height', 'default')),
	height_m double precision,
	households integer NOT NULL CHECK (households >= 0),
	households_estimated boolean NOT NULL DEFAULT true,
	community_code text REFERENCES communities (code) ON UPDATE CASCADE ON DELETE SET NULL,
	grid_code text REFERENCES grids (code) ON UPDATE CASCADE ON DELETE SET NULL,
	source_file text,
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS buildings_geom_idx ON buildings USING gist (geom);
CREATE INDEX IF NOT EXISTS buildings_community_idx ON buildings (community_code);
CREATE INDEX IF NOT EXISTS buildings_grid_idx ON buildings (grid_code);

CREATE TABLE IF NOT EXISTS facility_categories (
	code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
	name_zh text NOT NULL,
	name_en text NOT NULL,
	color text NOT NULL DEFAULT '#666666',
	sort integer NOT NULL DEFAULT 0
);

-- Editable OSM tag → category mapping ('*' matches any value). Earlier priority wins.
CREATE TABLE IF NOT EXISTS facility_tag_mappings (
	id serial PRIMARY KEY,
	osm_key text NOT NULL,
	osm_value text NOT NULL,
	category_code text NOT NULL REFERENCES facility_categories (code) ON UPDATE CASCADE ON DELETE CASCADE,
	priority integer NOT NULL DEFAULT 100,
	UNIQUE (osm_key, osm_value)
);

CREATE TABLE IF NOT EXISTS facilities (
	id bigserial PRIMARY KEY,
	source_id text NOT NULL UNIQUE,
	category_code text NOT NULL REFERENCES facility_categories (code) ON UPDATE CASCADE,
	name text,
	geom geometry(Geometry, 4326) NOT NULL
		CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')),
	area_m2 double precision CHECK (area_m2 >= 0),
	tags jsonb,
	source_file text,
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS facilities_geom_idx ON facilities USING gist (geom);
CREATE INDEX IF NOT EXISTS facilities_category_idx ON facilities (category_code);

CREATE TABLE IF NOT EXISTS roads (
	id bigserial PRIMARY KEY,
	source_id text NOT NULL UNIQUE,
	highway text NOT NULL,
	name text,
	walkable boolean NOT NULL,
	geom geometry(MultiLineString, 4326) NOT NULL,
	source_file text,
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS roads_geom_idx ON roads USING gist (geom);

-- The walking network derived from walkable roads: nodes at shared vertices, edges with length.
CREATE TABLE IF NOT EXISTS walk_nodes (
	id bigserial PRIMARY KEY,
	node_key text NOT NULL UNIQUE,
	geom geometry(Point, 4326) NOT NULL
);
CREATE INDEX IF NOT EXISTS walk_nodes_geom_idx ON walk_nodes USING gist (geom);

CREATE TABLE IF NOT EXISTS walk_edges (
	id bigserial PRIMARY KEY,
	road_source_id text NOT NULL,
	from_node bigint NOT NULL REFERENCES walk_nodes (id) ON DELETE CASCADE,
	to_node bigint NOT NULL REFERENCES walk_nodes (id) ON DELETE CASCADE,
	length_m double precision NOT NULL CHECK (length_m >= 0),
	geom geometry(LineString, 4326) NOT NULL
);
CREATE INDEX IF NOT EXISTS walk_edges_geom_idx ON walk_edges USING gist (geom);
CREATE INDEX IF NOT EXISTS walk_edges_road_idx ON walk_edges (road_source_id);

CREATE TABLE IF NOT EXISTS cases (
	id bigserial PRIMARY KEY,
	source_id text NOT NULL UNIQUE,
	category text NOT NULL,
	status text NOT NULL DEFAULT 'reported',
	source text,
	description text,
	reported_at timestamptz NOT NULL DEFAULT now(),
	geom geometry(Point, 4326) NOT NULL,
	community_code text REFERENCES communities (code) ON UPDATE CASCADE ON DELETE SET NULL,
	grid_code text REFERENCES grids (code) ON UPDATE CASCADE ON DELETE SET NULL,
	source_file text,
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS cases_geom_idx ON cases USING gist (geom);
CREATE INDEX IF NOT EXISTS cases_reported_idx ON cases (reported_at);

CREATE TABLE IF NOT EXISTS import_runs (
	id bigserial PRIMARY KEY,
	file_name text NOT NULL,
	layer text NOT NULL,
	crs text NOT NULL,
	format text,
	features_read integer NOT NULL,
	written integer NOT NULL,
	repaired integer NOT NULL,
	rejected integer NOT NULL,
	issues jsonb NOT NULL DEFAULT '[]',
	finished_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS app_settings (
	key text PRIMARY KEY,
	value jsonb NOT NULL
);
