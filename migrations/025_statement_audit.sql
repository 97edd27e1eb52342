-- A statement that writes derived values into many rows may write their audit rows itself, set-based
-- and with just the columns it changed: it sets gridatlas.row_audit = 'off' for itself and back to
-- 'on' after (src/lib/server/layers/hierarchy.ts refreshHouseholdEstimates: a city's first buildings
-- import re-estimates the households of every community, and the row trigger, which writes each
-- community's whole row and boundary before and after, cost about a millisecond a community).
-- Otherwise the function is 011's.
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
	IF current_setting('gridatlas.bulk', true) = 'on' OR current_setting('gridatlas.row_audit', true) = 'off' THEN
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
