// The audit log's words in the catalogue: its actions, the tables it records (as things people
// manage) and the values of status fields, instead of the database's words. Merged in messages.ts.
export const auditZh = {
	'audit.action.insert': '新增',
	'audit.action.update': '修改',
	'audit.action.delete': '删除',
	'audit.action.bulk_load': '批量载入',
	'audit.entity.subdistricts': '街道',
	'audit.entity.communities': '社区',
	'audit.entity.grids': '网格',
	'audit.entity.coverage_rules': '覆盖规则',
	'audit.entity.users': '用户',
	'audit.entity.user_jurisdictions': '用户辖区',
	'audit.entity.api_tokens': '令牌',
	'audit.entity.cases': '事件',
	'audit.entity.plan_revisions': '规划版本',
	'audit.entity.walk_scenarios': '路网情景',
	'audit.entity.bulk_load': '批量载入',
	'audit.atZone': '时间（北京时间，UTC+8）'
};

export const auditEn: Record<keyof typeof auditZh, string> = {
	'audit.action.insert': 'created',
	'audit.action.update': 'changed',
	'audit.action.delete': 'deleted',
	'audit.action.bulk_load': 'bulk load',
	'audit.entity.subdistricts': 'Subdistrict',
	'audit.entity.communities': 'Community',
	'audit.entity.grids': 'Grid',
	'audit.entity.coverage_rules': 'Coverage rule',
	'audit.entity.users': 'User',
	'audit.entity.user_jurisdictions': 'User jurisdiction',
	'audit.entity.api_tokens': 'Token',
	'audit.entity.cases': 'Case',
	'audit.entity.plan_revisions': 'Plan revision',
	'audit.entity.walk_scenarios': 'Network scenario',
	'audit.entity.bulk_load': 'Bulk load',
	'audit.atZone': 'When (Beijing time, UTC+8)'
};
