// Strings of demand-weighted access (the map's heat layer and the coverage page's score), Chinese first;
// merged into the catalogue in messages.ts. English must keep the same keys (the type enforces it).
export const accessZh = {
	'access.layer': '需求加权可达性',
	'access.rule': '指标',
	'access.decay': '距离衰减',
	'access.profile': '人群',
	'access.profile.all': '全体居民',
	'access.profile.slow': '儿童与老人（慢行）',
	'access.legend': '每{per}{basis}可得{unit}（H3 六边形，约 350 米宽）',
	'access.basis.population': '人',
	'access.basis.households': '户',
	'access.standard': '标准 {v}',
	'access.walked': '按步行网络 {m} 米计',
	'access.straight': '按直线距离 {m} 米计（无步行网络或直线规则）',
	'access.slowNote': '慢行 50 米/分钟；儿童与老人约占居民 {pct}%（七普估算）',
	'access.noFacilities': '数据中无此类设施',
	'access.noCapacity': '设施未录入容量数据',
	'access.noRules': '没有千人指标规则',
	'access.loading': '计算中…',
	'access.score': '可达性得分',
	'access.scoreHint': '得分 = 需求加权的每{per}{basis}可得{unit} ÷ 标准；1.0 即恰好达标',
	'access.scoreValue': '{score}（每{per}{basis} {v} {unit}）',
	'access.none': '—'
};

export const accessEn: Record<keyof typeof accessZh, string> = {
	'access.layer': 'Demand-weighted access',
	'access.rule': 'Indicator',
	'access.decay': 'Distance decay',
	'access.profile': 'Who',
	'access.profile.all': 'All residents',
	'access.profile.slow': 'Children and elderly (slow)',
	'access.legend': '{unit} per {per} {basis} (H3 hexagons, ≈ 350 m across)',
	'access.basis.population': 'residents',
	'access.basis.households': 'households',
	'access.standard': 'standard {v}',
	'access.walked': 'on the walking network, {m} m',
	'access.straight': 'in a straight line, {m} m (no walking network, or a straight-line rule)',
	'access.slowNote': 'slow walkers at 50 m/min; children and elderly ≈ {pct}% of residents (2020 census estimate)',
	'access.noFacilities': 'No facility of this category in the data',
	'access.noCapacity': 'No facility records its capacity',
	'access.noRules': 'No capacity rule',
	'access.loading': 'Computing…',
	'access.score': 'Access score',
	'access.scoreHint': 'Score = demand-weighted {unit} per {per} {basis} ÷ the standard; 1.0 meets it exactly',
	'access.scoreValue': '{score} ({v} {unit} per {per} {basis})',
	'access.none': '—'
};
