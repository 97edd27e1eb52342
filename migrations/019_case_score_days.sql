-- The scorecards' rollup (issue 18): per Beijing day of registration (立案, the cohort a period's
-- scorecard counts) and per unit, the counts of the cases registered that day, and the same per month,
-- so a period sums its whole months' rows and its other days' rows instead of scanning every case
-- (src/lib/server/cases/score-counts.ts). Day rows alone would not do: at 1,000,000 cases a year over
-- 2,000 grids a unit has about one case a day, so a year's day rows are nearly as many as its cases.
--
-- Which facts are rolled up. A case counts in the period containing its registration day, for every
-- figure, evaluated with its current state (as the direct query does). Most figures depend on that
-- state only (立案数, 及时立案数, 派遣数, 及时派遣数, 处置数, 返工数, 作废数): a later step (closure,
-- rework, void…) moves the case's contribution within its registration day's row. 应结案数, 结案数,
-- 按期结案数, 缓办数 and 超期案件数 also depend on the time of evaluation (a handling deadline passing
-- makes an open case due and overdue with no write at all), so the rollup keeps them only for settled
-- cases — closed (and handled), not voided — whose figures no longer change with time once the
-- closure is past; the scorecard adds the open cases (and any closed after the time of evaluation)
-- exactly from case_ops, a small partial-indexed set (case_ops_unsettled_idx).
--
-- Kept by statement-level triggers on case_ops and cases in the transaction of every write — the
-- workflow's steps, feeds and imports moving cases, re-attribution, deletes and plain SQL alike — each
-- subtracting the old rows' contributions and adding the new rows' (transition tables), so the
-- rollup cannot drift from the cases. Worker rows (one per assignee, as the direct query unnests
-- case_ops.assignees) live in tables of their own so the unit levels' sums never read them. Every
-- table carries the case's grid, community and subdistrict so a reader's jurisdiction filters it as
-- it filters cases. Run twice, this migration rebuilds the rollup from the cases.

CREATE TABLE IF NOT EXISTS case_score_days (
	day date NOT NULL,
	grid_code text,
	community_code text,
	subdistrict_code text,
	department_code text NOT NULL,
	registered integer NOT NULL DEFAULT 0,
	registered_on_time integer NOT NULL DEFAULT 0,
	dispatched integer NOT NULL DEFAULT 0,
	dispatched_on_time integer NOT NULL DEFAULT 0,
	handled integer NOT NULL DEFAULT 0,
	reworked integer NOT NULL DEFAULT 0,
	reworked3 integer NOT NULL DEFAULT 0,
	voided integer NOT NULL DEFAULT 0,
	-- Settled cases (closed and handled, not voided): each is due and closed; of those on time,
	-- postponed, overdue.
	settled integer NOT NULL DEFAULT 0,
	settled_on_time integer NOT NULL DEFAULT 0,
	settled_postponed integer NOT NULL DEFAULT 0,
	settled_overdue integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS case_score_days_key ON case_score_days (day, grid_code, community_code, subdistrict_code, department_code) NULLS NOT DISTINCT;
CREATE INDEX IF NOT EXISTS case_score_days_empty ON case_score_days (day) WHERE registered = 0;

CREATE TABLE IF NOT EXISTS case_score_worker_days (LIKE case_score_days INCLUDING DEFAULTS);
ALTER TABLE case_score_worker_days ADD COLUMN IF NOT EXISTS worker text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX IF NOT EXISTS case_score_worker_days_key
	ON case_score_worker_days (day, worker, grid_code, community_code, subdistrict_code, department_code) NULLS NOT DISTINCT;
CREATE INDEX IF NOT EXISTS case_score_worker_days_empty ON case_score_worker_days (day) WHERE registered = 0;

-- The same per month (day = the month's first day): a year sums twelve rows per unit, the days
-- tables serve the ends of a range that are not whole months.
CREATE TABLE IF NOT EXISTS case_score_months (LIKE case_score_days INCLUDING DEFAULTS);
CREATE UNIQUE INDEX IF NOT EXISTS case_score_months_key ON case_score_months (day, grid_code, community_code, subdistrict_code, department_code) NULLS NOT DISTINCT;
CREATE INDEX IF NOT EXISTS case_score_months_empty ON case_score_months (day) WHERE registered = 0;
CREATE TABLE IF NOT EXISTS case_score_worker_months (LIKE case_score_worker_days INCLUDING DEFAULTS);
CREATE UNIQUE INDEX IF NOT EXISTS case_score_worker_months_key
	ON case_score_worker_months (day, worker, grid_code, community_code, subdistrict_code, department_code) NULLS NOT DISTINCT;
CREATE INDEX IF NOT EXISTS case_score_worker_months_empty ON case_score_worker_months (day) WHERE registered = 0;

-- The cases whose time-dependent figures the scorecard computes itself.
CREATE INDEX IF NOT EXISTS case_ops_unsettled_idx ON case_ops (registered_at) WHERE voided_at IS NULL AND (closed_at IS NULL OR handled_at IS NULL);
CREATE INDEX IF NOT EXISTS case_ops_closed_idx ON case_ops (closed_at) WHERE voided_at IS NULL AND handled_at IS NOT NULL;

-- The statement adding to the four tables the signed contributions of the rows of `src` (a query
-- giving `sign` (1 or -1), the case_ops columns and the case's grid_code, community_code,
-- subdistrict_code). Run by EXECUTE in the trigger functions themselves: transition tables are
-- visible only there.
CREATE OR REPLACE FUNCTION case_score_delta_sql(src text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
	cols constant text[] := ARRAY['registered', 'registered_on_time', 'dispatched', 'dispatched_on_time', 'handled', 'reworked', 'reworked3', 'voided',
		'settled', 'settled_on_time', 'settled_postponed', 'settled_overdue'];
	sums constant text := (SELECT string_agg(format('sum(%I)', c), ', ') FROM unnest(cols) c);
	-- A group whose old and new contributions cancel (a step changing nothing counted) writes nothing.
	changed constant text := (SELECT string_agg(format('sum(%I) <> 0', c), ' OR ') FROM unnest(cols) c);
	adds constant text := (SELECT string_agg(format('%1$I = t.%1$I + excluded.%1$I', c), ', ') FROM unnest(cols) c);
	upserts text := '';
	t record;
BEGIN
	FOR t IN SELECT * FROM (VALUES ('case_score_days', 'day', false), ('case_score_worker_days', 'day', true),
		('case_score_months', 'month', false), ('case_score_worker_months', 'month', true)) AS v(tbl, per, per_worker)
	LOOP
		-- Sorted upserts: two writers meeting on the same rows take their locks in the same order.
		upserts := upserts || format($q$,
%1$I AS (
	INSERT INTO %1$I AS t (day, %2$s grid_code, community_code, subdistrict_code, department_code, %3$s)
	SELECT %4$I, %5$s grid_code, community_code, subdistrict_code, department_code, %6$s
	FROM f %7$s GROUP BY %8$s HAVING %9$s ORDER BY %8$s
	ON CONFLICT (day, %2$s grid_code, community_code, subdistrict_code, department_code) DO UPDATE SET %10$s
	RETURNING 1
)$q$, t.tbl, CASE WHEN t.per_worker THEN 'worker,' ELSE '' END, array_to_string(cols, ', '), t.per,
			CASE WHEN t.per_worker THEN $w$coalesce(a.worker, ''),$w$ ELSE '' END, sums,
			CASE WHEN t.per_worker THEN 'CROSS JOIN LATERAL unnest(f.assignees) AS a(worker)' ELSE '' END,
			CASE WHEN t.per_worker THEN '1, 2, 3, 4, 5, 6' ELSE '1, 2, 3, 4, 5' END, changed, adds);
	END LOOP;
	RETURN format($q$
WITH src AS MATERIALIZED (%s),
f AS MATERIALIZED (
	SELECT d.day, date_trunc('month', d.day)::date AS month, grid_code, community_code, subdistrict_code, department_code, assignees,
		sign AS registered,
		CASE WHEN registered_at <= register_due_at THEN sign ELSE 0 END AS registered_on_time,
		CASE WHEN dispatched_at IS NOT NULL THEN sign ELSE 0 END AS dispatched,
		CASE WHEN dispatched_at <= dispatch_due_at THEN sign ELSE 0 END AS dispatched_on_time,
		CASE WHEN handled_at IS NOT NULL THEN sign ELSE 0 END AS handled,
		CASE WHEN rework_count > 0 THEN sign ELSE 0 END AS reworked,
		CASE WHEN rework_count >= 3 THEN sign ELSE 0 END AS reworked3,
		CASE WHEN voided_at IS NOT NULL THEN sign ELSE 0 END AS voided,
		CASE WHEN s THEN sign ELSE 0 END AS settled,
		CASE WHEN s AND postponement IS DISTINCT FROM 'approved' AND handled_at <= handle_due_at THEN sign ELSE 0 END AS settled_on_time,
		CASE WHEN s AND postponement = 'approved' THEN sign ELSE 0 END AS settled_postponed,
		CASE WHEN s AND (late OR handled_at > handle_due_at) THEN sign ELSE 0 END AS settled_overdue
	FROM src,
		LATERAL (SELECT ((registered_at AT TIME ZONE 'UTC') + interval '8 hours')::date AS day) d,
		LATERAL (SELECT voided_at IS NULL AND closed_at IS NOT NULL AND handled_at IS NOT NULL AS s) x
)%s
SELECT 1$q$, src, upserts);
END $fn$;

-- Rows left with no case (all counts 0) go.
CREATE OR REPLACE FUNCTION case_score_drop_empty() RETURNS void LANGUAGE sql AS $$
	DELETE FROM case_score_days WHERE registered = 0;
	DELETE FROM case_score_worker_days WHERE registered = 0;
	DELETE FROM case_score_months WHERE registered = 0;
	DELETE FROM case_score_worker_months WHERE registered = 0;
$$;

-- case_ops written: the old rows' contributions out, the new rows' in (the case's units as they are now).
CREATE OR REPLACE FUNCTION case_score_days_ops_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	cols constant text := 'o.*, c.grid_code, c.community_code, c.subdistrict_code';
	old_part constant text := 'SELECT -1 AS sign, ' || cols || ' FROM old_rows o JOIN cases c ON c.id = o.case_id';
	new_part constant text := 'SELECT 1 AS sign, ' || cols || ' FROM new_rows o JOIN cases c ON c.id = o.case_id';
BEGIN
	IF TG_OP = 'INSERT' THEN
		EXECUTE case_score_delta_sql(new_part);
	ELSIF TG_OP = 'DELETE' THEN
		EXECUTE case_score_delta_sql(old_part);
	ELSE
		EXECUTE case_score_delta_sql(old_part || ' UNION ALL ' || new_part);
	END IF;
	IF TG_OP <> 'INSERT' THEN
		PERFORM case_score_drop_empty();
	END IF;
	RETURN NULL;
END $$;

-- cases written: only rows whose units (or id) changed move their operations' contributions. A
-- deleted case's contributions leave here, before cases_ops_deleted (triggers fire in name order:
-- cases_ops_counted < cases_ops_deleted) removes its case_ops row, whose trigger then finds no case.
CREATE OR REPLACE FUNCTION case_score_days_cases_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	cols constant text := 'o.*, c.grid_code, c.community_code, c.subdistrict_code';
	same constant text := 'n.id = c.id AND n.grid_code IS NOT DISTINCT FROM c.grid_code AND n.community_code IS NOT DISTINCT FROM c.community_code
		AND n.subdistrict_code IS NOT DISTINCT FROM c.subdistrict_code';
	old_part text := 'SELECT -1 AS sign, ' || cols || ' FROM old_rows c JOIN case_ops o ON o.case_id = c.id';
	new_part text := 'SELECT 1 AS sign, ' || cols || ' FROM new_rows c JOIN case_ops o ON o.case_id = c.id';
	unmoved bigint;
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NOT EXISTS (SELECT 1 FROM new_rows c JOIN case_ops o ON o.case_id = c.id) THEN
			RETURN NULL;
		END IF;
		EXECUTE case_score_delta_sql(new_part);
	ELSIF TG_OP = 'DELETE' THEN
		EXECUTE case_score_delta_sql(old_part);
	ELSE
		-- Most updates (status, due time, description) move no unit: nothing to do. Counted, not
		-- EXISTS: planned for its first row, an EXISTS over an anti-join scans new_rows once per old row.
		SELECT count(*) INTO unmoved FROM old_rows c JOIN new_rows n ON n.id = c.id AND n.grid_code IS NOT DISTINCT FROM c.grid_code
			AND n.community_code IS NOT DISTINCT FROM c.community_code AND n.subdistrict_code IS NOT DISTINCT FROM c.subdistrict_code;
		IF unmoved = (SELECT count(*) FROM old_rows) AND unmoved = (SELECT count(*) FROM new_rows) THEN
			RETURN NULL;
		END IF;
		EXECUTE case_score_delta_sql(
			old_part || ' WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE ' || same || ') UNION ALL '
			|| new_part || ' WHERE NOT EXISTS (SELECT 1 FROM old_rows n WHERE ' || same || ')');
	END IF;
	IF TG_OP <> 'INSERT' THEN
		PERFORM case_score_drop_empty();
	END IF;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION case_score_days_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE case_score_days, case_score_worker_days, case_score_months, case_score_worker_months;
	RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS case_ops_counted_insert ON case_ops;
CREATE TRIGGER case_ops_counted_insert AFTER INSERT ON case_ops REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION case_score_days_ops_changed();
DROP TRIGGER IF EXISTS case_ops_counted_update ON case_ops;
CREATE TRIGGER case_ops_counted_update AFTER UPDATE ON case_ops REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION case_score_days_ops_changed();
DROP TRIGGER IF EXISTS case_ops_counted_delete ON case_ops;
CREATE TRIGGER case_ops_counted_delete AFTER DELETE ON case_ops REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION case_score_days_ops_changed();
DROP TRIGGER IF EXISTS case_ops_counted_truncate ON case_ops;
CREATE TRIGGER case_ops_counted_truncate AFTER TRUNCATE ON case_ops
	FOR EACH STATEMENT EXECUTE FUNCTION case_score_days_truncated();

DROP TRIGGER IF EXISTS cases_ops_counted_insert ON cases;
CREATE TRIGGER cases_ops_counted_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION case_score_days_cases_changed();
DROP TRIGGER IF EXISTS cases_ops_counted_update ON cases;
CREATE TRIGGER cases_ops_counted_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION case_score_days_cases_changed();
DROP TRIGGER IF EXISTS cases_ops_counted_delete ON cases;
CREATE TRIGGER cases_ops_counted_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION case_score_days_cases_changed();
DROP TRIGGER IF EXISTS cases_ops_counted_truncate ON cases;
CREATE TRIGGER cases_ops_counted_truncate AFTER TRUNCATE ON cases
	FOR EACH STATEMENT EXECUTE FUNCTION case_score_days_truncated();

-- The rollup rebuilt from the cases (the backfill; also what to run after restoring case_ops or
-- cases from a dump made without it).
CREATE OR REPLACE FUNCTION case_score_days_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE case_score_days, case_score_worker_days, case_score_months, case_score_worker_months;
	EXECUTE case_score_delta_sql('SELECT 1 AS sign, o.*, c.grid_code, c.community_code, c.subdistrict_code FROM case_ops o JOIN cases c ON c.id = o.case_id');
END $$;
SELECT case_score_days_rebuild();
