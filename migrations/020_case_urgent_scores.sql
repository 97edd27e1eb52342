-- Urgent cases (紧急案件) scored on their own (issue 18), and the taxonomy's edits audited.
--
-- City schemes score urgent cases separately (紧急案件按期结案率 / 结案率, 紧急案件超期数): the rollup
-- (migrations/019_case_score_days.sql) keeps, beside every count it holds, the urgent cases' share of
-- those the urgent figures need — urgent cases registered, and of the settled ones (closed and handled,
-- not voided) how many, on time, postponed, overdue — with the same rule as the other settled_*
-- columns; the scorecard adds the open urgent cases exactly from case_ops as it does for all cases
-- (src/lib/server/cases/score-counts.ts). The triggers of 019 stay; their statement
-- (case_score_delta_sql) is replaced by one writing the new columns too, and the rollup is rebuilt
-- from the cases (the backfill: existing rows get their urgent counts). Run twice, it rebuilds again.

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['case_score_days', 'case_score_worker_days', 'case_score_months', 'case_score_worker_months'] LOOP
		EXECUTE format('ALTER TABLE %I ADD COLUMN IF NOT EXISTS urgent integer NOT NULL DEFAULT 0,
			ADD COLUMN IF NOT EXISTS urgent_settled integer NOT NULL DEFAULT 0,
			ADD COLUMN IF NOT EXISTS urgent_settled_on_time integer NOT NULL DEFAULT 0,
			ADD COLUMN IF NOT EXISTS urgent_settled_postponed integer NOT NULL DEFAULT 0,
			ADD COLUMN IF NOT EXISTS urgent_settled_overdue integer NOT NULL DEFAULT 0', t);
	END LOOP;
END $$;

-- As in 019 (a migration is plain SQL: the function is restated whole), with the urgent columns.
CREATE OR REPLACE FUNCTION case_score_delta_sql(src text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
	cols constant text[] := ARRAY['registered', 'registered_on_time', 'dispatched', 'dispatched_on_time', 'handled', 'reworked', 'reworked3', 'voided',
		'settled', 'settled_on_time', 'settled_postponed', 'settled_overdue',
		'urgent', 'urgent_settled', 'urgent_settled_on_time', 'urgent_settled_postponed', 'urgent_settled_overdue'];
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
		CASE WHEN s AND on_time THEN sign ELSE 0 END AS settled_on_time,
		CASE WHEN s AND postponement = 'approved' THEN sign ELSE 0 END AS settled_postponed,
		CASE WHEN s AND over THEN sign ELSE 0 END AS settled_overdue,
		CASE WHEN urgent THEN sign ELSE 0 END AS urgent,
		CASE WHEN urgent AND s THEN sign ELSE 0 END AS urgent_settled,
		CASE WHEN urgent AND s AND on_time THEN sign ELSE 0 END AS urgent_settled_on_time,
		CASE WHEN urgent AND s AND postponement = 'approved' THEN sign ELSE 0 END AS urgent_settled_postponed,
		CASE WHEN urgent AND s AND over THEN sign ELSE 0 END AS urgent_settled_overdue
	FROM src,
		LATERAL (SELECT ((registered_at AT TIME ZONE 'UTC') + interval '8 hours')::date AS day) d,
		LATERAL (SELECT voided_at IS NULL AND closed_at IS NOT NULL AND handled_at IS NOT NULL AS s,
			postponement IS DISTINCT FROM 'approved' AND handled_at <= handle_due_at AS on_time,
			coalesce(late OR handled_at > handle_due_at, false) AS over) x
)%s
SELECT 1$q$, src, upserts);
END $fn$;

-- The backfill: every row's urgent counts from the cases.
SELECT case_score_days_rebuild();

-- The taxonomy's edits (/cases/taxonomy: departments, subclasses, the category → subclass mapping)
-- in the audit log, with the acting party, as every other edited table.
DROP TRIGGER IF EXISTS case_departments_audit ON case_departments;
CREATE TRIGGER case_departments_audit AFTER INSERT OR UPDATE OR DELETE ON case_departments
	FOR EACH ROW EXECUTE FUNCTION audit_row('code', '');
DROP TRIGGER IF EXISTS case_subclasses_audit ON case_subclasses;
CREATE TRIGGER case_subclasses_audit AFTER INSERT OR UPDATE OR DELETE ON case_subclasses
	FOR EACH ROW EXECUTE FUNCTION audit_row('code', '');
DROP TRIGGER IF EXISTS case_categories_audit ON case_categories;
CREATE TRIGGER case_categories_audit AFTER INSERT OR UPDATE OR DELETE ON case_categories
	FOR EACH ROW EXECUTE FUNCTION audit_row('code', '');
