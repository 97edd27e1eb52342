-- Facility categories and the coverage-rule catalogue, seeded from docs (standards.md):
-- every rule names its source and a status tag (V verified, S secondary, R recalled, P local policy).
-- These are editable defaults; re-running inserts nothing that already exists.
INSERT INTO facility_categories (code, name_zh, name_en, color, sort) VALUES
	('school', '学校', 'School', '#1f77b4', 10),
	('kindergarten', '幼儿园/托育', 'Kindergarten / childcare', '#ff7f0e', 20),
	('clinic', '医疗卫生', 'Clinic / health', '#d62728', 30),
	('pharmacy', '药店', 'Pharmacy', '#e377c2', 40),
	('elderly_care', '养老服务', 'Elderly care', '#8c564b', 50),
	('supermarket', '超市/便利店', 'Supermarket / convenience', '#2ca02c', 60),
	('market', '菜市场/果蔬', 'Market / greengrocer', '#98df8a', 70),
	('restaurant', '餐饮', 'Restaurant', '#bcbd22', 80),
	('park', '公园绿地', 'Park', '#17becf', 90),
	('plaza', '休闲广场', 'Leisure plaza', '#9edae5', 100),
	('fitness', '体育健身', 'Fitness / sport', '#9467bd', 110),
	('bank', '银行', 'Bank', '#c5b0d5', 120),
	('post_express', '邮政快递', 'Post / express', '#c49c94', 130),
	('community_centre', '社区服务站', 'Community service station', '#f7b6d2', 140),
	('police', '警务', 'Police', '#393b79', 150),
	('fire_station', '消防', 'Fire station', '#843c39', 160),
	('emergency_shelter', '应急避难场所', 'Emergency shelter', '#637939', 170),
	('telecom', '电信营业厅', 'Telecom', '#7b4173', 180),
	('culture', '文化设施', 'Culture', '#ad494a', 190),
	('bus_stop', '公交站', 'Bus stop', '#6b6ecf', 200),
	('metro_station', '地铁站', 'Metro station', '#3182bd', 210),
	('toilets', '公厕', 'Public toilets', '#969696', 220),
	('waste_point', '垃圾收集点', 'Waste collection point', '#636363', 230)
ON CONFLICT (code) DO NOTHING;

CREATE TABLE IF NOT EXISTS coverage_rules (
	id text PRIMARY KEY CHECK (id ~ '^[a-z0-9_]+$'),
	kind text NOT NULL DEFAULT 'distance' CHECK (kind IN ('distance', 'service_space')),
	category_code text REFERENCES facility_categories (code) ON UPDATE CASCADE,
	name_zh text NOT NULL,
	name_en text NOT NULL,
	level text NOT NULL CHECK (level IN ('5min', '10min', '15min', 'community', 'block', 'subdistrict')),
	metric text CHECK (metric IN ('straight', 'walk')),
	max_distance_m double precision CHECK (max_distance_m > 0),
	max_minutes double precision CHECK (max_minutes > 0),
	walk_speed_m_per_min double precision CHECK (walk_speed_m_per_min > 0),
	required_share double precision NOT NULL DEFAULT 1 CHECK (required_share > 0 AND required_share <= 1),
	space_per_100_households_m2 double precision CHECK (space_per_100_households_m2 > 0),
	space_tiers_m2 jsonb,
	source text NOT NULL,
	status text NOT NULL CHECK (status IN ('V', 'S', 'R', 'P')),
	note text,
	enabled boolean NOT NULL DEFAULT true,
	updated_at timestamptz NOT NULL DEFAULT now(),
	CHECK (kind <> 'distance' OR (category_code IS NOT NULL AND metric IS NOT NULL
		AND (max_distance_m IS NOT NULL OR (max_minutes IS NOT NULL AND walk_speed_m_per_min IS NOT NULL)))),
	CHECK (kind <> 'service_space' OR space_per_100_households_m2 IS NOT NULL)
);

INSERT INTO coverage_rules (id, kind, category_code, name_zh, name_en, level, metric, max_distance_m, max_minutes, walk_speed_m_per_min, required_share, source, status, note) VALUES
	('junior_school_1000', 'distance', 'school', '初中 1000 米', 'Junior high school within 1,000 m', '15min', 'walk', 1000, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', '1,000 m in the previous edition: V. OSM does not tell primary from junior schools.'),
	('primary_school_500', 'distance', 'school', '小学 500 米', 'Primary school within 500 m', '10min', 'walk', 500, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', 'Previous edition: V.'),
	('metro_800', 'distance', 'metro_station', '轨道交通站点 800 米', 'Metro station within 800 m', '15min', 'walk', 800, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', NULL),
	('sport_ground_1000', 'distance', 'fitness', '大型多功能运动场地 1000 米', 'Large multi-sport ground within 1,000 m', '15min', 'walk', 1000, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', NULL),
	('market_500', 'distance', 'market', '菜市场或生鲜超市 500 米', 'Wet market / fresh supermarket within 500 m', '10min', 'walk', 500, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', NULL),
	('bus_stop_500', 'distance', 'bus_stop', '公交车站 500 米', 'Bus stop within 500 m', '10min', 'walk', 500, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', NULL),
	('culture_500', 'distance', 'culture', '文化活动站 500 米', 'Culture station within 500 m', '5min', 'walk', 500, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', NULL),
	('service_station_300', 'distance', 'community_centre', '社区服务站 300 米', 'Community service station within 300 m', '5min', 'walk', 300, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', NULL),
	('kindergarten_300', 'distance', 'kindergarten', '幼儿园、托儿所 300 米', 'Kindergarten / nursery within 300 m', '5min', 'walk', 300, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', 'Previous edition: V.'),
	('elderly_daycare_300', 'distance', 'elderly_care', '老年人日间照料中心 300 米', 'Elderly day-care centre within 300 m', '5min', 'walk', 300, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', NULL),
	('outdoor_fitness_300', 'distance', 'fitness', '室外综合健身场地 300 米', 'Outdoor fitness ground within 300 m', '5min', 'walk', 300, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', NULL),
	('waste_point_70', 'distance', 'waste_point', '生活垃圾收集点 70 米', 'Waste collection point within 70 m', 'block', 'walk', 70, NULL, NULL, 1, 'GB 50180-2018 附录C', 'R', NULL),
	('leisure_plaza_2000', 'distance', 'plaza', '室外休闲活动广场 2 公里服务半径', 'Outdoor leisure plaza within a 2 km radius', 'community', 'straight', 2000, NULL, NULL, 1, '地方政策（社区建设标准）', 'P', NULL),
	('fitness_path_1000', 'distance', 'fitness', '体育健身路径 1 公里', 'Fitness path within 1 km', 'community', 'straight', 1000, NULL, NULL, 1, '地方政策（社区建设标准）', 'P', NULL),
	('circle15_bank', 'distance', 'bank', '15分钟便民生活圈：银行', '15-minute circle: bank', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', 'National target: ≥ 85% of residents covered (S).'),
	('circle15_telecom', 'distance', 'telecom', '15分钟便民生活圈：电信', '15-minute circle: telecom', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', NULL),
	('circle15_clinic', 'distance', 'clinic', '15分钟便民生活圈：医疗', '15-minute circle: clinic', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', NULL),
	('circle15_pharmacy', 'distance', 'pharmacy', '15分钟便民生活圈：药店', '15-minute circle: pharmacy', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', NULL),
	('circle15_express', 'distance', 'post_express', '15分钟便民生活圈：快递', '15-minute circle: express delivery', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', NULL),
	('circle15_supermarket', 'distance', 'supermarket', '15分钟便民生活圈：超市便利店', '15-minute circle: supermarket / convenience', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', NULL),
	('circle15_restaurant', 'distance', 'restaurant', '15分钟便民生活圈：餐饮', '15-minute circle: restaurant', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', NULL),
	('circle15_greengrocer', 'distance', 'market', '15分钟便民生活圈：果蔬', '15-minute circle: fruit and vegetables', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', NULL),
	('circle15_childcare', 'distance', 'kindergarten', '15分钟便民生活圈：托育', '15-minute circle: childcare', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', NULL),
	('circle15_elderly', 'distance', 'elderly_care', '15分钟便民生活圈：养老', '15-minute circle: elderly care', '15min', 'walk', NULL, 15, 65, 1, '地方政策（15分钟便民服务圈）', 'P', NULL)
ON CONFLICT (id) DO NOTHING;

INSERT INTO coverage_rules (id, kind, category_code, name_zh, name_en, level, space_per_100_households_m2, space_tiers_m2, source, status, note) VALUES
	('service_space_30', 'service_space', NULL, '社区服务用房：每百户不少于 30 平方米', 'Community service space ≥ 30 m² per 100 households', 'community', 30,
	 '[{"m2": 300, "zh": "标准", "en": "standard"}, {"m2": 500, "zh": "精品", "en": "fine"}, {"m2": 1000, "zh": "示范", "en": "model"}]',
	 '2024 国家嵌入式社区服务设施建设导则；地方分级标准', 'V', 'Tiers 300/500/1,000 m² are local policy (P); newer policy asks ≥ 1,000 m².')
ON CONFLICT (id) DO NOTHING;
