-- Case operations as the 数字城管 standards define them (issue 18): the class/subclass taxonomy of
-- events and components with responsible departments and per-stage time limits, the working-day
-- calendar, each case's stage clocks and steps (who, when, why), and the scoring schemes of the KPI
-- scorecards. Every seeded row is a default the city edits (ON CONFLICT DO NOTHING keeps its edits).
--
-- Sources of the seeds (status tags as in docs/standards.md):
-- * classes and subclasses follow the structure of CJ/T 214-2007 《城市市政综合监管信息系统 管理部件和事件
--   分类、编码及数据要求》 (部件 classes 01 公用设施 … 06 其他设施; 事件 classes 01 市容环境, 02 宣传广告,
--   03 施工管理, 04 突发事件, 05 街面秩序, 06 其他事件) — R: a selection recalled from the standard, codes and
--   names to be checked against the text; 'E06xx' subclasses carry GridAtlas's own case categories
--   (community-governance cases the standard does not list), a local extension.
-- * time limits per stage follow the shape of CJ/T 315 practice (立案, 派遣, 处置, 核查, 结案; normal limits in
--   working hours/days, urgent ones in clock hours) — R: example values; every city sets its own.
-- * the calendar: the State Council's holiday arrangements for 2024 (国办发明电〔2023〕7号), 2025
--   (国办发明电〔2024〕12号) and 2026 (published 2025-11-04, restated by Xinhua) — V for 2026, S for 2024/2025.
-- * the scoring scheme: 金华市区数字化城市管理工作考核细则（试行）, case items — S (secondary restatement).

CREATE TABLE IF NOT EXISTS case_departments (
	code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
	name_zh text NOT NULL CHECK (name_zh <> ''),
	name_en text NOT NULL CHECK (name_en <> ''),
	sort integer NOT NULL DEFAULT 0
);
INSERT INTO case_departments (code, name_zh, name_en, sort) VALUES
	('urban_mgmt', '城市管理综合执法局', 'Urban management & law enforcement', 10),
	('sanitation', '环境卫生管理处', 'Sanitation', 20),
	('municipal', '市政设施管理处', 'Municipal facilities', 30),
	('landscape', '园林绿化局', 'Parks & greening', 40),
	('housing', '住房和城乡建设局', 'Housing & construction', 50),
	('water', '水务局', 'Water affairs', 60),
	('transport', '交通运输局', 'Transport', 70),
	('traffic_police', '公安交通管理部门', 'Traffic police', 80),
	('emergency', '应急管理局', 'Emergency management', 90),
	('health', '卫生健康委员会', 'Health commission', 100),
	('subdistrict', '街道办事处', 'Subdistrict office', 110),
	('community', '社区居委会', 'Residents'' committee', 120)
ON CONFLICT (code) DO NOTHING;

CREATE TABLE IF NOT EXISTS case_classes (
	code text PRIMARY KEY CHECK (code ~ '^[EP][0-9]{2}$'),
	kind text NOT NULL CHECK (kind IN ('event', 'part')),
	name_zh text NOT NULL CHECK (name_zh <> ''),
	name_en text NOT NULL CHECK (name_en <> ''),
	CHECK ((kind = 'event') = (code LIKE 'E%'))
);
INSERT INTO case_classes (code, kind, name_zh, name_en) VALUES
	('E01', 'event', '市容环境', 'City appearance & environment'),
	('E02', 'event', '宣传广告', 'Advertising'),
	('E03', 'event', '施工管理', 'Construction'),
	('E04', 'event', '突发事件', 'Emergencies'),
	('E05', 'event', '街面秩序', 'Street order'),
	('E06', 'event', '其他事件', 'Other events'),
	('P01', 'part', '公用设施', 'Public utilities'),
	('P02', 'part', '道路交通', 'Roads & traffic'),
	('P03', 'part', '市容环境', 'Sanitation facilities'),
	('P04', 'part', '园林绿化', 'Parks & greening'),
	('P06', 'part', '其他设施', 'Other facilities')
ON CONFLICT (code) DO NOTHING;

-- limits: {"normal": {stage: {"amount": n, "unit": "work_hour"|"work_day"|"hour"}}, "urgent": {…}} for the
-- stages register, dispatch, handle, verify, close (checked by the app when read).
CREATE TABLE IF NOT EXISTS case_subclasses (
	code text PRIMARY KEY CHECK (code ~ '^[EP][0-9]{4}$'),
	class_code text NOT NULL REFERENCES case_classes (code) ON UPDATE CASCADE,
	name_zh text NOT NULL CHECK (name_zh <> ''),
	name_en text NOT NULL CHECK (name_en <> ''),
	department_code text NOT NULL REFERENCES case_departments (code) ON UPDATE CASCADE,
	-- Cases of this subclass are urgent unless the registration says otherwise.
	urgent_default boolean NOT NULL DEFAULT false,
	limits jsonb NOT NULL,
	CHECK (left(code, 3) = class_code)
);
INSERT INTO case_subclasses (code, class_code, name_zh, name_en, department_code, urgent_default, limits)
SELECT s.code, left(s.code, 3), s.name_zh, s.name_en, s.dept, s.urgent,
	jsonb_build_object(
		'normal', jsonb_build_object(
			'register', jsonb_build_object('amount', 1, 'unit', 'work_hour'),
			'dispatch', jsonb_build_object('amount', 1, 'unit', 'work_hour'),
			'handle', jsonb_build_object('amount', s.handle_amount, 'unit', s.handle_unit),
			'verify', jsonb_build_object('amount', 2, 'unit', 'work_hour'),
			'close', jsonb_build_object('amount', 1, 'unit', 'work_hour')),
		'urgent', jsonb_build_object(
			'register', jsonb_build_object('amount', 0.5, 'unit', 'hour'),
			'dispatch', jsonb_build_object('amount', 0.5, 'unit', 'hour'),
			'handle', jsonb_build_object('amount', s.urgent_hours, 'unit', 'hour'),
			'verify', jsonb_build_object('amount', 1, 'unit', 'hour'),
			'close', jsonb_build_object('amount', 0.5, 'unit', 'hour')))
FROM (VALUES
	('E0101', '私搭乱建', 'Illegal structures', 'urban_mgmt', false, 5, 'work_day', 24),
	('E0102', '暴露垃圾', 'Exposed garbage', 'sanitation', false, 1, 'work_day', 2),
	('E0103', '积存垃圾渣土', 'Accumulated refuse', 'sanitation', false, 2, 'work_day', 4),
	('E0104', '道路不洁', 'Dirty road', 'sanitation', false, 4, 'work_hour', 2),
	('E0106', '绿地脏乱', 'Littered green space', 'landscape', false, 1, 'work_day', 4),
	('E0201', '非法小广告', 'Illegal flyers', 'urban_mgmt', false, 1, 'work_day', 4),
	('E0202', '违章张贴悬挂广告', 'Unauthorised posters and banners', 'urban_mgmt', false, 2, 'work_day', 4),
	('E0301', '施工扰民', 'Construction disturbance', 'housing', false, 1, 'work_day', 2),
	('E0302', '工地扬尘', 'Construction dust', 'housing', false, 1, 'work_day', 2),
	('E0303', '道路遗撒', 'Spillage on the road', 'urban_mgmt', false, 4, 'work_hour', 2),
	('E0401', '路面塌陷', 'Road collapse', 'municipal', true, 1, 'work_day', 2),
	('E0402', '自来水管破裂', 'Burst water main', 'water', true, 1, 'work_day', 2),
	('E0404', '下水道堵塞或破损', 'Blocked or broken sewer', 'water', false, 1, 'work_day', 4),
	('E0406', '道路积水', 'Flooded road', 'municipal', true, 1, 'work_day', 2),
	('E0501', '无照经营游商', 'Unlicensed street vendors', 'urban_mgmt', false, 4, 'work_hour', 2),
	('E0504', '店外经营', 'Business spilling onto the street', 'urban_mgmt', false, 1, 'work_day', 4),
	('E0506', '非机动车乱停放', 'Badly parked bicycles', 'traffic_police', false, 1, 'work_day', 4),
	('E0601', '矛盾纠纷', 'Dispute', 'community', false, 3, 'work_day', 24),
	('E0602', '安全隐患', 'Safety hazard', 'emergency', true, 1, 'work_day', 4),
	('E0603', '民生诉求', 'Livelihood request', 'subdistrict', false, 5, 'work_day', 24),
	('E0604', '公共卫生', 'Public health', 'health', false, 1, 'work_day', 4),
	('E0699', '其他事件', 'Other event', 'subdistrict', false, 5, 'work_day', 24),
	('P0101', '上水井盖', 'Water-supply manhole cover', 'water', true, 1, 'work_day', 2),
	('P0102', '污水井盖', 'Sewage manhole cover', 'water', true, 1, 'work_day', 2),
	('P0103', '雨水井盖', 'Storm-drain manhole cover', 'municipal', true, 1, 'work_day', 2),
	('P0110', '路灯', 'Street light', 'municipal', false, 2, 'work_day', 4),
	('P0202', '公交站亭', 'Bus shelter', 'transport', false, 3, 'work_day', 24),
	('P0208', '交通标志牌', 'Traffic sign', 'transport', false, 2, 'work_day', 4),
	('P0212', '护栏', 'Guard rail', 'municipal', false, 2, 'work_day', 4),
	('P0301', '公共厕所', 'Public toilet', 'sanitation', false, 1, 'work_day', 4),
	('P0304', '垃圾箱', 'Litter bin', 'sanitation', false, 1, 'work_day', 4),
	('P0402', '行道树', 'Street tree', 'landscape', false, 2, 'work_day', 4),
	('P0405', '绿地', 'Green space', 'landscape', false, 3, 'work_day', 24),
	('P0699', '其他部件', 'Other facility', 'municipal', false, 3, 'work_day', 24)
) AS s(code, name_zh, name_en, dept, urgent, handle_amount, handle_unit, urgent_hours)
ON CONFLICT (code) DO NOTHING;

-- The existing categories map onto the taxonomy: a case of the category is registered under this
-- subclass unless the registration names another.
ALTER TABLE case_categories ADD COLUMN IF NOT EXISTS subclass_code text REFERENCES case_subclasses (code) ON UPDATE CASCADE;
UPDATE case_categories k SET subclass_code = m.subclass
FROM (VALUES ('dispute', 'E0601'), ('safety_hazard', 'E0602'), ('environment', 'E0102'), ('livelihood', 'E0603'),
	('public_health', 'E0604'), ('facility_damage', 'P0699'), ('other', 'E0699')) AS m(category, subclass)
WHERE k.code = m.category AND k.subclass_code IS NULL;

-- The working calendar: exceptions to Monday–Friday (holidays, make-up workdays) by date, and the
-- working periods of a working day (minutes after midnight, Beijing time).
CREATE TABLE IF NOT EXISTS work_calendar_days (
	day date PRIMARY KEY,
	kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name text NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS work_calendar_settings (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	periods jsonb NOT NULL,
	-- 预警 once this share of a stage's limit is used.
	warn_share double precision NOT NULL DEFAULT 0.8 CHECK (warn_share > 0 AND warn_share < 1)
);
INSERT INTO work_calendar_settings (singleton, periods) VALUES (true, '[[510, 720], [810, 1050]]')
ON CONFLICT (singleton) DO NOTHING;
INSERT INTO work_calendar_days (day, kind, name)
SELECT d::date, h.kind, h.name
FROM (VALUES
	('2024-01-01', '2024-01-01', 'holiday', '元旦'),
	('2024-02-04', '2024-02-04', 'workday', '春节调休'),
	('2024-02-10', '2024-02-17', 'holiday', '春节'),
	('2024-02-18', '2024-02-18', 'workday', '春节调休'),
	('2024-04-04', '2024-04-06', 'holiday', '清明节'),
	('2024-04-07', '2024-04-07', 'workday', '清明节调休'),
	('2024-04-28', '2024-04-28', 'workday', '劳动节调休'),
	('2024-05-01', '2024-05-05', 'holiday', '劳动节'),
	('2024-05-11', '2024-05-11', 'workday', '劳动节调休'),
	('2024-06-10', '2024-06-10', 'holiday', '端午节'),
	('2024-09-14', '2024-09-14', 'workday', '中秋节调休'),
	('2024-09-15', '2024-09-17', 'holiday', '中秋节'),
	('2024-09-29', '2024-09-29', 'workday', '国庆节调休'),
	('2024-10-01', '2024-10-07', 'holiday', '国庆节'),
	('2024-10-12', '2024-10-12', 'workday', '国庆节调休'),
	('2025-01-01', '2025-01-01', 'holiday', '元旦'),
	('2025-01-26', '2025-01-26', 'workday', '春节调休'),
	('2025-01-28', '2025-02-04', 'holiday', '春节'),
	('2025-02-08', '2025-02-08', 'workday', '春节调休'),
	('2025-04-04', '2025-04-06', 'holiday', '清明节'),
	('2025-04-27', '2025-04-27', 'workday', '劳动节调休'),
	('2025-05-01', '2025-05-05', 'holiday', '劳动节'),
	('2025-05-31', '2025-06-02', 'holiday', '端午节'),
	('2025-09-28', '2025-09-28', 'workday', '国庆节调休'),
	('2025-10-01', '2025-10-08', 'holiday', '国庆节、中秋节'),
	('2025-10-11', '2025-10-11', 'workday', '国庆节调休'),
	('2026-01-01', '2026-01-03', 'holiday', '元旦'),
	('2026-01-04', '2026-01-04', 'workday', '元旦调休'),
	('2026-02-14', '2026-02-14', 'workday', '春节调休'),
	('2026-02-15', '2026-02-23', 'holiday', '春节'),
	('2026-02-28', '2026-02-28', 'workday', '春节调休'),
	('2026-04-04', '2026-04-06', 'holiday', '清明节'),
	('2026-05-01', '2026-05-05', 'holiday', '劳动节'),
	('2026-05-09', '2026-05-09', 'workday', '劳动节调休'),
	('2026-06-19', '2026-06-21', 'holiday', '端午节'),
	('2026-09-20', '2026-09-20', 'workday', '国庆节调休'),
	('2026-09-25', '2026-09-27', 'holiday', '中秋节'),
	('2026-10-01', '2026-10-07', 'holiday', '国庆节'),
	('2026-10-10', '2026-10-10', 'workday', '国庆节调休')
) AS h(first, last, kind, name)
CROSS JOIN LATERAL generate_series(h.first::date, h.last::date, interval '1 day') AS d
ON CONFLICT (day) DO NOTHING;

-- Voided (作废) cases: a status of their own, so no figure counts them as open or closed.
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check
	CHECK (status IN ('reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated', 'voided'));
ALTER TABLE case_events DROP CONSTRAINT IF EXISTS case_events_status_check;
ALTER TABLE case_events ADD CONSTRAINT case_events_status_check
	CHECK (status IN ('reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated', 'voided'));

-- A case's operations, from its registration (立案) here: subclass, urgency, department and workers,
-- the time of each stage and its due time (computed by the app on the working calendar at the step
-- that starts the stage), postponement, rework and the open stage's clock. One row per registered case.
CREATE TABLE IF NOT EXISTS case_ops (
	case_id bigint PRIMARY KEY,
	subclass_code text NOT NULL REFERENCES case_subclasses (code) ON UPDATE CASCADE,
	urgent boolean NOT NULL,
	department_code text NOT NULL REFERENCES case_departments (code) ON UPDATE CASCADE,
	-- Grid workers (user names) the case went to.
	assignees text[] NOT NULL DEFAULT '{}',
	registered_at timestamptz NOT NULL,
	register_due_at timestamptz NOT NULL,
	dispatch_due_at timestamptz,
	dispatched_at timestamptz,
	-- The handling deadline the case is judged by (按期): set at the first dispatch, moved by an
	-- approved postponement only.
	handle_due_at timestamptz,
	handled_at timestamptz,
	verified_at timestamptz,
	closed_at timestamptz,
	voided_at timestamptz,
	void_reason text,
	-- The open stage's clock.
	stage_started_at timestamptz NOT NULL,
	stage_due_at timestamptz,
	stage_unit text CHECK (stage_unit IN ('work_hour', 'work_day', 'hour')),
	postponement text CHECK (postponement IN ('requested', 'approved', 'rejected')),
	postpone_days double precision,
	rework_count integer NOT NULL DEFAULT 0,
	reassign_count integer NOT NULL DEFAULT 0,
	send_back_count integer NOT NULL DEFAULT 0,
	-- A stage finished after its due time (超期), once true stays true.
	late boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS case_ops_registered_idx ON case_ops (registered_at);

-- Every step of the operations workflow: what, from which stage to which, who, why, and the due
-- time of the stage it started.
CREATE TABLE IF NOT EXISTS case_steps (
	id bigserial PRIMARY KEY,
	case_id bigint NOT NULL,
	action text NOT NULL,
	from_stage text NOT NULL,
	to_stage text NOT NULL,
	actor text NOT NULL,
	reason text,
	at timestamptz NOT NULL,
	due_at timestamptz,
	-- The stage this step ended finished after its due time.
	late boolean NOT NULL DEFAULT false,
	details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS case_steps_case_idx ON case_steps (case_id, id);

-- A deleted case takes its operations with it (set-based, as case_events in 010).
CREATE OR REPLACE FUNCTION case_ops_case_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM case_ops WHERE case_id IN (SELECT id FROM old_rows);
	DELETE FROM case_steps WHERE case_id IN (SELECT id FROM old_rows);
	RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS cases_ops_deleted ON cases;
CREATE TRIGGER cases_ops_deleted AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION case_ops_case_deleted();

-- Scoring schemes of the scorecards: items {indicator, points, target?, perPoint?, perCase?}.
CREATE TABLE IF NOT EXISTS case_score_schemes (
	id text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]*$'),
	name_zh text NOT NULL,
	name_en text NOT NULL,
	source text NOT NULL DEFAULT '',
	items jsonb NOT NULL,
	-- Units with fewer due cases are scored but not ranked.
	min_due integer NOT NULL DEFAULT 5 CHECK (min_due >= 1),
	is_default boolean NOT NULL DEFAULT false
);
INSERT INTO case_score_schemes (id, name_zh, name_en, source, items, min_due, is_default) VALUES
	('jinhua', '金华市区数字城管考核（案件部分）', 'Jinhua digital city management evaluation (case items)',
	 '金华市区数字化城市管理工作考核细则（试行）：按期结案率 50 分（≥70%，每少 1 个百分点扣 1 分），结案率 20 分（≥90%，每少 1 个百分点扣 1 分），返工 5 分（核查未通过发回重办每件扣 0.2 分，三次及以上未通过每件扣 0.5 分）（S：二手转述 m.wenke99.com/p-414460.html）',
	 '[{"indicator":"onTimeClosureRate","points":50,"target":0.7,"perPoint":1},{"indicator":"closureRate","points":20,"target":0.9,"perPoint":1},{"indicator":"reworked","points":5,"perCase":0.2,"perCase3":0.5}]',
	 5, true)
ON CONFLICT (id) DO NOTHING;
