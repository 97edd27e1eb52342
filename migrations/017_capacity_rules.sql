-- Capacity rules (千人指标, issue 21 part 1) and the clauses the printable report cites (part 5).
-- A capacity rule weighs the capacity of a category's facilities (seats, beds or floor area: the
-- facility attributes of migration 015) against the demand of the residents or households within
-- their reach (metres or walking minutes, as a distance rule): `capacity_per` units of capacity for
-- every `demand_per` residents (`demand_basis` population, e.g. 4.5 托位 per 1,000) or households
-- (e.g. 30 m² per 100). Status D marks a draft whose figure is still to be checked (seeded disabled).
-- Forward-only and idempotent: every statement can run again and changes nothing the second time.

ALTER TABLE coverage_rules ADD COLUMN IF NOT EXISTS capacity_attribute text;
ALTER TABLE coverage_rules ADD COLUMN IF NOT EXISTS demand_basis text;
ALTER TABLE coverage_rules ADD COLUMN IF NOT EXISTS demand_per double precision;
ALTER TABLE coverage_rules ADD COLUMN IF NOT EXISTS capacity_per double precision;
ALTER TABLE coverage_rules ADD COLUMN IF NOT EXISTS capacity_unit_zh text;
ALTER TABLE coverage_rules ADD COLUMN IF NOT EXISTS capacity_unit_en text;
-- Residents per household where a building has no registered population (NULL: the default, 2.62).
ALTER TABLE coverage_rules ADD COLUMN IF NOT EXISTS persons_per_household double precision;
-- Distance decay of a capacity rule's allocation (geo/capacity/decay.ts): 'none' is the plain two-step
-- catchment; linear, exponential, gaussian and gravity weight each facility's share by distance (E2SFCA).
ALTER TABLE coverage_rules ADD COLUMN IF NOT EXISTS decay text NOT NULL DEFAULT 'none';
ALTER TABLE coverage_rules ADD COLUMN IF NOT EXISTS decay_beta double precision;
ALTER TABLE coverage_rules DROP CONSTRAINT IF EXISTS coverage_rules_decay_check;
ALTER TABLE coverage_rules ADD CONSTRAINT coverage_rules_decay_check CHECK (decay IN ('none', 'linear', 'exponential', 'gaussian', 'gravity')
	AND (decay_beta IS NULL OR (decay_beta > 0 AND decay_beta <= 50)));

ALTER TABLE coverage_rules DROP CONSTRAINT IF EXISTS coverage_rules_kind_check;
ALTER TABLE coverage_rules ADD CONSTRAINT coverage_rules_kind_check CHECK (kind IN ('distance', 'service_space', 'capacity'));
ALTER TABLE coverage_rules DROP CONSTRAINT IF EXISTS coverage_rules_status_check;
ALTER TABLE coverage_rules ADD CONSTRAINT coverage_rules_status_check CHECK (status IN ('V', 'S', 'R', 'P', 'D'));
ALTER TABLE coverage_rules DROP CONSTRAINT IF EXISTS coverage_rules_capacity_check;
ALTER TABLE coverage_rules ADD CONSTRAINT coverage_rules_capacity_check CHECK (kind <> 'capacity' OR (
	category_code IS NOT NULL AND metric IS NOT NULL
	AND (max_distance_m IS NOT NULL OR (max_minutes IS NOT NULL AND walk_speed_m_per_min IS NOT NULL))
	AND capacity_attribute IN ('seats', 'beds', 'floor_area_m2')
	AND demand_basis IN ('population', 'households')
	AND demand_per > 0 AND capacity_per > 0
	AND capacity_unit_zh IS NOT NULL AND capacity_unit_en IS NOT NULL
	AND (persons_per_household IS NULL OR persons_per_household > 0)));

-- The report's 依据 names the table of GB 50180-2018 附录C by the rule's level: 表C.0.1 the 15- and
-- 10-minute life circles, 表C.0.2 the 5-minute circle, 表C.0.3 the block (居住街坊). Only seeded
-- sources are touched (a source someone edited stays as written); the status tags stay R.
UPDATE coverage_rules SET source = 'GB 50180-2018 附录C 表C.0.1' WHERE source = 'GB 50180-2018 附录C' AND level IN ('15min', '10min');
UPDATE coverage_rules SET source = 'GB 50180-2018 附录C 表C.0.2' WHERE source = 'GB 50180-2018 附录C' AND level = '5min';
UPDATE coverage_rules SET source = 'GB 50180-2018 附录C 表C.0.3' WHERE source = 'GB 50180-2018 附录C' AND level = 'block';

INSERT INTO coverage_rules (id, kind, category_code, name_zh, name_en, level, metric, max_distance_m, max_minutes, walk_speed_m_per_min,
	capacity_attribute, demand_basis, demand_per, capacity_per, capacity_unit_zh, capacity_unit_en, source, status, note, enabled) VALUES
	('capacity_childcare_places', 'capacity', 'kindergarten', '托位：每千人 4.5 个（15 分钟步行）', 'Childcare places: 4.5 per 1,000 residents (15-minute walk)',
	 '15min', 'walk', NULL, 15, 65, 'seats', 'population', 1000, 4.5, '托位', 'childcare places',
	 '《国民经济和社会发展第十四个五年规划和2035年远景目标纲要》表1 主要指标：每千人口拥有3岁以下婴幼儿托位数 4.5（2025年）', 'R',
	 'A national target for 2025 applied per catchment. The category 幼儿园/托育 holds kindergartens too: record only places for children under 3 as seats, or edit the category.', true),
	('capacity_service_space_m2', 'capacity', 'community_centre', '社区综合服务设施：每百户 30 平方米', 'Community service facilities: 30 m² per 100 households',
	 'community', 'straight', 1000, NULL, NULL, 'floor_area_m2', 'households', 100, 30, '平方米', 'm²',
	 '中共中央 国务院《关于加强和完善城乡社区治理的意见》（2017）：城乡社区综合服务设施每百户居民拥有面积不低于30平方米', 'R',
	 'The catchment (1,000 m straight line) is a local choice; the figure is the same as rule service_space_30, here weighed against the floor area of the facilities.', true),
	('capacity_kindergarten_places', 'capacity', 'kindergarten', '幼儿园学位：每千人 30 个（草案）', 'Kindergarten places: 30 per 1,000 residents (draft)',
	 '5min', 'walk', 300, NULL, NULL, 'seats', 'population', 1000, 30, '学位', 'kindergarten places',
	 'GB 50180-2018 附录C 表C.0.2（幼儿园规模按适龄儿童人口确定）；千人学位数取地方配套标准，数值待核实', 'D',
	 'Draft: 30 places per 1,000 is a common local figure, not checked against the standard in force here. Check and set the status before enabling.', false),
	('capacity_elderly_beds', 'capacity', 'elderly_care', '养老床位：每千人 6.5 张（草案）', 'Elderly-care beds: 6.5 per 1,000 residents (draft)',
	 '15min', 'walk', NULL, 15, 65, 'beds', 'population', 1000, 6.5, '张床位', 'beds',
	 '国发〔2013〕35号《国务院关于加快发展养老服务业的若干意见》：每千名老年人养老床位 35–40 张；按第七次全国人口普查 60 岁及以上占 18.70% 折算', 'D',
	 'Draft: 35 beds per 1,000 older people × 18.70 % ≈ 6.5 per 1,000 residents; use the local share of older residents.', false)
ON CONFLICT (id) DO NOTHING;
