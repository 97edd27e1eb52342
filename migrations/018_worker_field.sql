-- The grid worker's phone (issue 17): what a worker adds to a case in the field — the subclass and
-- position accuracy of a report, notes (and "taken", 接单), photos stored as files under the data
-- directory — and the patrol track. Every row carries the client's own id, so a phone that sends a
-- queued item twice (the answer was lost) stores it once. Case ids are kept by a statement-level
-- delete trigger, as case_ops in 016 (no per-row foreign key checks on the case tables).

-- A report made on /m: the 小类 the worker chose (the 立案 step defaults to it) and how sure the
-- phone was of its position.
CREATE TABLE IF NOT EXISTS case_reports (
	case_id bigint PRIMARY KEY,
	subclass_code text REFERENCES case_subclasses (code) ON UPDATE CASCADE ON DELETE SET NULL,
	accuracy_m double precision CHECK (accuracy_m IS NULL OR accuracy_m >= 0),
	-- The worker moved the marker away from the phone's position.
	corrected boolean NOT NULL DEFAULT false,
	reporter text NOT NULL,
	at timestamptz NOT NULL DEFAULT now()
);

-- Notes on a case from the handling side: 'note' (a remark, maybe with photos) or 'take' (接单:
-- "I am on it").
CREATE TABLE IF NOT EXISTS case_notes (
	id bigserial PRIMARY KEY,
	client_id text NOT NULL UNIQUE CHECK (length(client_id) BETWEEN 1 AND 128),
	case_id bigint NOT NULL,
	kind text NOT NULL CHECK (kind IN ('note', 'take')),
	body text CHECK (body IS NULL OR length(body) <= 1000),
	actor text NOT NULL,
	at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS case_notes_case_idx ON case_notes (case_id, id);

-- Photos of a report or a note: the file (relative to the photo directory) and its thumbnail,
-- content type as sniffed from the bytes, sizes and digest, and the EXIF time/position the phone read.
CREATE TABLE IF NOT EXISTS case_photos (
	id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{8,64}$'),
	case_id bigint NOT NULL,
	note_client_id text,
	mime text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'image/heic')),
	bytes integer NOT NULL CHECK (bytes > 0),
	thumb_bytes integer NOT NULL CHECK (thumb_bytes >= 0),
	sha256 text NOT NULL,
	file text NOT NULL,
	actor text NOT NULL,
	taken_at timestamptz,
	exif_lon double precision,
	exif_lat double precision,
	at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS case_photos_case_idx ON case_photos (case_id, at);

-- The patrol track: one row per position the phone took while a patrol ran, per worker and day
-- (Beijing time).
CREATE TABLE IF NOT EXISTS patrol_points (
	id bigserial PRIMARY KEY,
	client_id text NOT NULL UNIQUE CHECK (length(client_id) BETWEEN 1 AND 128),
	username text NOT NULL,
	day date NOT NULL,
	patrol_id text NOT NULL,
	at timestamptz NOT NULL,
	lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
	lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
	accuracy_m double precision,
	grid_code text
);
CREATE INDEX IF NOT EXISTS patrol_points_user_day_idx ON patrol_points (username, day, at);

-- A deleted case takes its reports, notes and photo rows with it (the files are left for the
-- administrator: a restore may bring the case back).
CREATE OR REPLACE FUNCTION case_field_case_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM case_reports WHERE case_id IN (SELECT id FROM old_rows);
	DELETE FROM case_notes WHERE case_id IN (SELECT id FROM old_rows);
	DELETE FROM case_photos WHERE case_id IN (SELECT id FROM old_rows);
	RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS cases_field_deleted ON cases;
CREATE TRIGGER cases_field_deleted AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION case_field_case_deleted();
