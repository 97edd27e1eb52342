-- Accounts, roles, jurisdictions, sessions, API tokens and the audit log.
-- Roles: admin, planner, leader, worker (网格员), viewer. A jurisdiction is a unit code — subdistrict (9),
-- community (12) or grid (15 digits, for grid workers) — or '*' for the whole city. Codes nest by
-- prefix, so "inside the jurisdiction" is a prefix test. Secrets (passwords, session ids, tokens) are
-- stored only as hashes.
CREATE TABLE IF NOT EXISTS users (
	id serial PRIMARY KEY,
	username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{1,63}$'),
	display_name text NOT NULL DEFAULT '',
	role text NOT NULL CHECK (role IN ('admin', 'planner', 'leader', 'worker', 'viewer')),
	password_hash text NOT NULL,
	disabled boolean NOT NULL DEFAULT false,
	failed_logins integer NOT NULL DEFAULT 0,
	locked_until timestamptz,
	last_login_at timestamptz,
	password_changed_at timestamptz NOT NULL DEFAULT now(),
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS user_jurisdictions (
	user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	unit_code text NOT NULL CHECK (unit_code ~ '^([0-9]{9}|[0-9]{12}|[0-9]{15}|\*)$'),
	PRIMARY KEY (user_id, unit_code)
);

CREATE TABLE IF NOT EXISTS sessions (
	token_hash text PRIMARY KEY,
	user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at timestamptz NOT NULL DEFAULT now(),
	last_seen_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user_idx ON sessions (user_id);

-- Machine clients (the case feed, the simulator: kind 'api') and wall screens (kind 'wall', read-only).
CREATE TABLE IF NOT EXISTS api_tokens (
	id serial PRIMARY KEY,
	name text NOT NULL CHECK (name <> ''),
	kind text NOT NULL CHECK (kind IN ('api', 'wall')),
	token_hash text NOT NULL UNIQUE,
	token_prefix text NOT NULL,
	scopes text[] NOT NULL,
	unit_codes text[] NOT NULL DEFAULT '{*}',
	created_by integer REFERENCES users (id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz,
	last_used_at timestamptz,
	revoked_at timestamptz
);

-- Append-only: who changed what, when, with the row before and after (geometry as GeoJSON).
CREATE TABLE IF NOT EXISTS audit_log (
	id bigserial PRIMARY KEY,
	at timestamptz NOT NULL DEFAULT clock_timestamp(),
	actor text NOT NULL,
	action text NOT NULL,
	entity text NOT NULL,
	entity_id text,
	unit_code text,
	before jsonb,
	after jsonb
);
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX IF NOT EXISTS audit_log_entity_idx ON audit_log (entity, entity_id);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '审计日志只能追加，不能修改或删除 / the audit log is append-only';
END $$;
DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The acting user comes from the transaction setting gridatlas.actor (set by the app for every
-- write made on behalf of a request or a CLI user); bulk loads (demo, synthetic cities) set
-- gridatlas.bulk = 'on' and write one summary row instead of one per feature.
-- TG_ARGV: [0] the key column, [1] the unit-code column (or '' when the row belongs to no unit).
CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	old_j jsonb;
	new_j jsonb;
	noise text[] := ARRAY['updated_at', 'failed_logins', 'locked_until', 'last_login_at', 'last_seen_at', 'last_used_at'];
	key_col text := TG_ARGV[0];
	unit_col text := TG_ARGV[1];
	row_j jsonb;
BEGIN
	IF current_setting('gridatlas.bulk', true) = 'on' THEN
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' THEN old_j := to_jsonb(OLD); END IF;
	IF TG_OP <> 'DELETE' THEN new_j := to_jsonb(NEW); END IF;
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

DROP TRIGGER IF EXISTS subdistricts_audit ON subdistricts;
CREATE TRIGGER subdistricts_audit AFTER INSERT OR UPDATE OR DELETE ON subdistricts
	FOR EACH ROW EXECUTE FUNCTION audit_row('code', 'code');
DROP TRIGGER IF EXISTS communities_audit ON communities;
CREATE TRIGGER communities_audit AFTER INSERT OR UPDATE OR DELETE ON communities
	FOR EACH ROW EXECUTE FUNCTION audit_row('code', 'code');
DROP TRIGGER IF EXISTS grids_audit ON grids;
CREATE TRIGGER grids_audit AFTER INSERT OR UPDATE OR DELETE ON grids
	FOR EACH ROW EXECUTE FUNCTION audit_row('code', 'code');
DROP TRIGGER IF EXISTS coverage_rules_audit ON coverage_rules;
CREATE TRIGGER coverage_rules_audit AFTER INSERT OR UPDATE OR DELETE ON coverage_rules
	FOR EACH ROW EXECUTE FUNCTION audit_row('id', '');
DROP TRIGGER IF EXISTS users_audit ON users;
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users
	FOR EACH ROW EXECUTE FUNCTION audit_row('username', '');
DROP TRIGGER IF EXISTS user_jurisdictions_audit ON user_jurisdictions;
CREATE TRIGGER user_jurisdictions_audit AFTER INSERT OR UPDATE OR DELETE ON user_jurisdictions
	FOR EACH ROW EXECUTE FUNCTION audit_row('user_id', 'unit_code');
DROP TRIGGER IF EXISTS api_tokens_audit ON api_tokens;
CREATE TRIGGER api_tokens_audit AFTER INSERT OR UPDATE OR DELETE ON api_tokens
	FOR EACH ROW EXECUTE FUNCTION audit_row('name', '');
-- Cases: the status, not every report (the feed is high-volume; case_events keeps the rest).
DROP TRIGGER IF EXISTS cases_status_audit ON cases;
CREATE TRIGGER cases_status_audit AFTER UPDATE OF status ON cases
	FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
	EXECUTE FUNCTION audit_row('source_id', 'grid_code');
