-- Land cover for the offline basemap: water, parks and other green space, and the main land uses,
-- taken from OSM areas (or a table with a kind column). Drawn under everything else; no rule reads it.
CREATE TABLE IF NOT EXISTS landcover (
	id bigserial PRIMARY KEY,
	source_id text NOT NULL UNIQUE,
	kind text NOT NULL CHECK (kind IN ('water', 'park', 'green', 'residential', 'commercial', 'education', 'health')),
	name text,
	geom geometry(MultiPolygon, 4326) NOT NULL,
	source_file text,
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS landcover_geom_idx ON landcover USING gist (geom);
CREATE INDEX IF NOT EXISTS landcover_kind_idx ON landcover (kind);
