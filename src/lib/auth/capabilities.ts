// Roles, what each may do, and jurisdictions — shared by the server (which enforces) and the
// browser (which only hides what a user can't use). Unit codes nest by prefix (subdistrict 9 digits
// → community 12 → grid 15), so "inside a jurisdiction" is a prefix test; '*' is the whole city.

export const ROLES = ['admin', 'planner', 'leader', 'worker', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const CAPABILITIES = [
	'map:read', // the map, units, search, tiles, walking tools
	'coverage:read', // coverage tables, reports, life circles, rules (read)
	'rules:write',
	'data:import',
	'plans:read',
	'plans:write',
	'cases:aggregate', // density (k-suppressed), KPIs, grid rates
	'cases:read', // individual cases and the live stream
	'cases:detail', // unsuppressed density and exact case points
	'cases:write', // report and update cases; the handling side of case operations
	'cases:command', // the command centre's steps: register, dispatch, verify, close, approve, void
	'cases:configure', // case classes, time limits, the working calendar
	'wall:read',
	'audit:read',
	'users:manage',
	'tokens:manage'
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What each capability lets one do, for refusals a person understands: [中文, English]. */
export const CAPABILITY_NAMES: Record<Capability, [string, string]> = {
	'map:read': ['查看地图', 'view the map'],
	'coverage:read': ['查看设施覆盖', 'view facility coverage'],
	'rules:write': ['修改覆盖规则', 'change coverage rules'],
	'data:import': ['导入数据', 'import data'],
	'plans:read': ['查看网格规划', 'view grid plans'],
	'plans:write': ['修改网格规划', 'change grid plans'],
	'cases:aggregate': ['查看事件密度', 'view case density'],
	'cases:read': ['查看单个事件', 'view individual cases'],
	'cases:detail': ['查看事件精确位置', 'view exact case locations'],
	'cases:write': ['上报和处理事件', 'report and update cases'],
	'cases:command': ['立案、派遣、核查和结案', 'register, dispatch, verify and close cases'],
	'cases:configure': ['配置案件分类、时限和工作日历', 'configure case classes, time limits and the working calendar'],
	'wall:read': ['查看指挥大屏', 'view wall screens'],
	'audit:read': ['查看审计日志', 'view the audit log'],
	'users:manage': ['管理用户', 'manage users'],
	'tokens:manage': ['管理令牌', 'manage tokens']
};

export const ROLE_CAPABILITIES: Record<Role, readonly Capability[]> = {
	admin: CAPABILITIES,
	planner: ['map:read', 'coverage:read', 'plans:read', 'plans:write', 'cases:aggregate', 'audit:read'],
	leader: ['map:read', 'coverage:read', 'plans:read', 'cases:aggregate', 'cases:read', 'cases:detail', 'cases:command', 'wall:read', 'audit:read'],
	worker: ['map:read', 'cases:aggregate', 'cases:read', 'cases:write'],
	viewer: ['map:read', 'coverage:read', 'plans:read', 'cases:aggregate']
};

/** What a token of each kind may be given: feeds write and read cases; wall screens only read. */
export const TOKEN_SCOPES = {
	api: ['cases:write', 'cases:read', 'cases:aggregate', 'map:read'] as Capability[],
	wall: ['wall:read', 'map:read', 'cases:aggregate', 'cases:read'] as Capability[]
};
export type TokenKind = keyof typeof TOKEN_SCOPES;

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export const CITY = '*';

/** The acting party of a request, as the server resolved it (a signed-in user or an API token). */
export interface Principal {
	kind: 'user' | 'token';
	id: number;
	/** user name or token name */
	name: string;
	displayName: string;
	role: Role | null;
	capabilities: Capability[];
	/** Jurisdiction: unit codes, or ['*'] for the whole city. */
	units: string[];
}

/** The principal may act on `code` (the unit itself lies inside one of its units). */
export function unitInside(units: readonly string[], code: string): boolean {
	return units.some((u) => u === CITY || code.startsWith(u));
}

/** The principal may look at `code`: inside the jurisdiction, or an ancestor of it (to drill down). */
export function unitVisible(units: readonly string[], code: string): boolean {
	return units.some((u) => u === CITY || code.startsWith(u) || u.startsWith(code));
}

export function wholeCity(units: readonly string[]): boolean {
	return units.includes(CITY);
}

export function can(principal: { capabilities: readonly string[] } | null | undefined, capability: Capability): boolean {
	return !!principal && principal.capabilities.includes(capability);
}

/** The sides of case operations a principal acts for: the command centre (cases:command) and/or handling (cases:write). */
export function caseSides(principal: Pick<Principal, 'capabilities'> | null | undefined): ('command' | 'handler')[] {
	const sides: ('command' | 'handler')[] = [];
	if (can(principal, 'cases:command')) sides.push('command');
	if (can(principal, 'cases:write')) sides.push('handler');
	return sides;
}
