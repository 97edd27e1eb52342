-- Versions the database owns for the app's in-process caches (issue 19). Every cache (map tiles, the
-- map summary, signed-in principals, coverage, the walking graph) is keyed by the version of the
-- topics it reads, and every writer moves them — an app process, another app process, the CLI or an
-- operator's plain SQL — because statement-level triggers do, as boundary_version does for case
-- attribution (010). The change is announced on the channel gridatlas_data ("<schema>:<topic,…>"),
-- which each app process LISTENs to on the server engine.
--
-- A writer does not update the version row at once: a transaction writing buildings then communities
-- and another writing communities then buildings would then take the two rows in opposite orders and
-- deadlock. Each statement only notes its topic in data_version_pending (a row of its own
-- transaction); a deferred constraint trigger bumps the noted topics at COMMIT, in topic order, so the
-- version rows are held for the last moment of a transaction only and always taken in one order. The
-- new version is part of the same commit as the data: whoever sees the version sees the data, and a
-- cache filled from data read after the version was read can be too new, never stale for good.
-- Versions come from one sequence: a topic's version only grows, in commit order (its row is locked
-- from the bump to the commit).
CREATE SEQUENCE IF NOT EXISTS data_version_seq;
CREATE TABLE IF NOT EXISTS data_versions (
	topic text PRIMARY KEY,
	version bigint NOT NULL
);
INSERT INTO data_versions (topic, version)
SELECT t, nextval('data_version_seq')
FROM unnest(ARRAY['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'landcover', 'rules', 'cases', 'accounts']) AS t
ON CONFLICT (topic) DO NOTHING;

CREATE TABLE IF NOT EXISTS data_version_pending (
	txid bigint NOT NULL,
	topic text NOT NULL,
	PRIMARY KEY (txid, topic)
);

CREATE OR REPLACE FUNCTION data_version_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- TG_ARGV[0]: the topic this table belongs to.
	INSERT INTO data_version_pending (txid, topic) VALUES (txid_current(), TG_ARGV[0]) ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION data_version_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	topics text[];
BEGIN
	-- Fires once per noted topic; the first firing bumps them all, the others find nothing left.
	WITH done AS (DELETE FROM data_version_pending WHERE txid = txid_current() RETURNING topic)
	SELECT array_agg(topic ORDER BY topic) INTO topics FROM done;
	IF topics IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM 1 FROM data_versions WHERE topic = ANY (topics) ORDER BY topic FOR UPDATE;
	UPDATE data_versions SET version = nextval('data_version_seq') WHERE topic = ANY (topics);
	PERFORM pg_notify('gridatlas_data', current_schema() || ':' || array_to_string(topics, ','));
	RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS data_version_commit ON data_version_pending;
CREATE CONSTRAINT TRIGGER data_version_commit AFTER INSERT ON data_version_pending
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_commit();

-- Which statements move which topic. Account tables list only what changes who may do what: a
-- sign-in's bookkeeping (failed_logins, last_login_at), a session's sliding expiry and a token's
-- last use are written on ordinary requests and would otherwise empty every principal cache.
DO $$
DECLARE
	spec text[];
BEGIN
	FOREACH spec SLICE 1 IN ARRAY ARRAY[
		['subdistricts', 'subdistricts', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['communities', 'communities', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['grids', 'grids', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['grid_history', 'grids', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['buildings', 'buildings', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['facilities', 'facilities', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['facility_categories', 'facilities', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['roads', 'roads', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['walk_nodes', 'roads', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['walk_edges', 'roads', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['landcover', 'landcover', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['coverage_rules', 'rules', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['cases', 'cases', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['case_events', 'cases', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['case_categories', 'cases', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['users', 'accounts', 'INSERT OR DELETE OR TRUNCATE OR UPDATE OF username, display_name, role, disabled, password_hash'],
		['user_jurisdictions', 'accounts', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
		['sessions', 'accounts', 'DELETE OR TRUNCATE OR UPDATE OF token_hash, user_id'],
		['api_tokens', 'accounts', 'INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, kind, token_hash, scopes, unit_codes, expires_at, revoked_at']
	] LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', spec[1] || '_data_version', spec[1]);
		EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I FOR EACH STATEMENT EXECUTE FUNCTION data_version_note(%L)',
			spec[1] || '_data_version', spec[3], spec[1], spec[2]);
	END LOOP;
END $$;
