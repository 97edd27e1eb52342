-- PostGIS on both engines (PGlite ships it as an extension; Debian's postgresql-15-postgis-3 on the server).
CREATE EXTENSION IF NOT EXISTS postgis;
