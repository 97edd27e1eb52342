// Who may call what: one rule per route and method, checked in hooks.server.ts before any route
// code runs. A route without a rule is refused (and fails the route-permission test), so a new
// route can't be forgotten. Jurisdiction: a rule may name the unit a request touches; a principal
// may read a unit inside its jurisdiction or above it (to drill down), and change only units inside.
import type { RequestEvent } from '@sveltejs/kit';
import { CAPABILITY_NAMES, CITY, unitInside, unitVisible, type Capability, type Principal } from '../../auth/capabilities';
import type { Queryable } from '../db';
import { CASE_UNIT_SQL } from './scope';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface Rule {
	/** 'public': no sign-in; 'signed-in': any principal; otherwise the capability needed. */
	need: Capability | 'public' | 'signed-in';
	/** The unit the request touches (null: none in particular; the route filters its lists). */
	unit?: (event: RequestEvent, db: Queryable) => string | null | Promise<string | null>;
	/** Checked against the jurisdiction as a change (inside) rather than a read (inside or above). */
	change?: boolean;
}

type RouteRules = Partial<Record<Method, Rule>>;

const param = (name: string) => (e: RequestEvent) => e.params[name as never] ?? null;
const query = (name: string) => (e: RequestEvent) => e.url.searchParams.get(name) || null;

/** The unit a case belongs to (as the read filters see it); a case outside every unit belongs to the whole city. */
async function caseUnit(e: RequestEvent, db: Queryable): Promise<string | null> {
	const [row] = await db.query<{ unit: string }>(`SELECT ${CASE_UNIT_SQL()} AS unit FROM cases WHERE source_id = $1`, [e.params['id' as never]]);
	return row ? row.unit || CITY : null; // unknown id: the route answers 404
}

const read = (need: Capability, unit?: Rule['unit']): Rule => ({ need, unit });
const change = (need: Capability, unit?: Rule['unit']): Rule => ({ need, unit, change: true });
const pub: Rule = { need: 'public' };

/** Every route of src/routes, by SvelteKit route id. Pages: GET is the page, POST its form actions. */
export const ROUTE_RULES: Record<string, RouteRules> = {
	'/': { GET: read('map:read') },
	'/login': { GET: pub, POST: pub },
	'/logout': { POST: { need: 'signed-in' } },
	'/account': { GET: { need: 'signed-in' }, POST: { need: 'signed-in' } },
	'/admin/users': { GET: read('users:manage'), POST: change('users:manage') },
	'/admin/tokens': { GET: read('tokens:manage'), POST: change('tokens:manage') },
	'/admin/readiness': { GET: read('data:import') },
	'/audit': { GET: read('audit:read') },
	'/import': { GET: read('data:import'), POST: change('data:import') },
	'/coverage': { GET: read('coverage:read') },
	'/coverage/report': { GET: read('coverage:read', query('community')) },
	'/coverage/rules': { GET: read('coverage:read'), POST: change('rules:write') },
	'/coverage/life-circle': { GET: read('coverage:read') },
	// No code: the page sends a non-city account on to its own subdistrict's wall.
	'/wall/[[code]]': { GET: read('wall:read', param('code')) },
	'/plan': { GET: read('plans:read') },
	'/cases/scorecard': { GET: read('cases:read') }, // the reader's jurisdiction's figures only // lists the communities inside the jurisdiction only
	// The working calendar and the case taxonomy: no case; administrators change them.
	'/cases/calendar': { GET: read('map:read'), POST: change('cases:configure') },
	'/cases/taxonomy': { GET: read('map:read'), POST: change('cases:configure') },
	'/plan/[community]': { GET: read('plans:read', param('community')) },
	// The grid worker's phone (docs/worker.md): for those who report and handle cases.
	'/m': { GET: read('cases:write') },
	// Workers' patrol tracks (personal): leaders and admins, workers inside their jurisdiction only (checked by the page).
	'/patrol': { GET: read('cases:detail') },

	'/api/health': { GET: pub },
	'/api/session': { GET: pub, POST: pub, DELETE: pub },
	'/api/audit': { GET: read('audit:read') },
	'/api/tokens': { GET: read('tokens:manage'), POST: change('tokens:manage') },
	'/api/tokens/[id]': { DELETE: change('tokens:manage') },
	// 'city' is above every unit: anyone who reads the map may read the city's summary.
	'/api/units/[code]': { GET: read('map:read', (e) => (e.params['code' as never] === 'city' ? null : param('code')(e))) },
	'/api/search': { GET: read('map:read') },
	'/api/locate': { GET: read('map:read') },
	'/api/layers/[layer]': { GET: { need: 'map:read' } }, // the cases layer needs cases:detail: checked below
	'/tiles/[layer]/[z]/[x]/[y].pbf': { GET: read('map:read') },
	'/api/isochrone': { GET: read('map:read') },
	'/api/catchment': { GET: read('map:read') },
	'/api/life-circle': { GET: read('coverage:read') },
	'/api/rules': { GET: read('coverage:read'), POST: change('rules:write') },
	'/api/rules/[id]': { GET: read('coverage:read'), PATCH: change('rules:write'), DELETE: change('rules:write') },
	'/api/coverage': { GET: read('coverage:read') },
	// Network scenarios: city-wide planning drafts, read like coverage, kept by planners.
	'/api/scenarios': { GET: read('coverage:read'), POST: change('plans:write') },
	'/api/scenarios/[id]': { GET: read('coverage:read'), PUT: change('plans:write'), DELETE: change('plans:write') },
	'/coverage/scenarios': { GET: read('coverage:read') },
	'/api/coverage/cell': { GET: read('coverage:read', query('community')) },
	'/api/coverage/suggest': { POST: read('coverage:read') },
	'/api/coverage/whatif': { GET: read('coverage:read'), POST: read('coverage:read') },
	// Demand-weighted access: the route narrows buildings, cells and communities to the jurisdiction.
	'/api/access': { GET: read('coverage:read', query('community')) },
	'/api/wall': { GET: read('wall:read', (e) => e.url.searchParams.get('unit') || CITY) },
	'/api/cases': { GET: read('cases:read'), POST: change('cases:write') },
	// A case has nothing below it to drill down to: the route reads it within the jurisdiction only
	// (a case outside is unknown, 404), rather than "visible" here, which would let a grid's reader
	// open a case filed on its community.
	'/api/cases/[id]': { GET: read('cases:read'), PATCH: change('cases:write', caseUnit) },
	'/api/cases/stream': { GET: read('cases:read') },
	// A step needs cases:write (the handling side) or cases:command (the command centre): checked by
	// the step itself (geo/cases/ops); here only that the case lies inside the jurisdiction.
	'/api/cases/[id]/steps': { POST: change('cases:read', caseUnit) },
	// Notes and photos of a case: the handling side, inside the jurisdiction (the route checks again).
	'/api/cases/[id]/notes': { POST: change('cases:write', caseUnit) },
	'/api/cases/[id]/photos': { POST: change('cases:write', caseUnit) },
	// A photo reads as its case does: inside the jurisdiction only (the route answers 404 outside).
	'/api/photos/[id]': { GET: read('cases:read') },
	// Reports from the phone go through the case ingest, which refuses a place outside the sender's units.
	'/api/worker/reports': { POST: change('cases:write') },
	'/api/worker/tasks': { GET: read('cases:read') },
	// Patrol tracks are personal: the route lets a worker read its own, leaders and admins those inside their jurisdiction.
	'/api/patrol': { GET: read('cases:read') },
	'/api/patrol/points': { POST: change('cases:write') },
	'/api/patrol/tracks': { GET: read('cases:detail') },
	'/api/cases/taxonomy': { GET: read('map:read') },
	'/api/cases/calendar/[year]': { GET: read('map:read'), PUT: change('cases:configure') },
	'/api/cases/scorecard': { GET: read('cases:read') },
	'/api/cases/columns': { GET: read('cases:detail') },
	// Which case a point of the points view is (its id): as the points, and within the jurisdiction only.
	'/api/cases/locate': { GET: read('cases:detail') },
	'/api/cases/density': { GET: read('cases:aggregate') },
	'/api/cases/grids': { GET: read('cases:aggregate') },
	'/api/cases/kpis': { GET: read('cases:aggregate') },
	'/api/plans/[community]': { GET: read('plans:read', param('community')), POST: change('plans:write', param('community')) },
	'/api/plans/[community]/revisions/[id]': { GET: read('plans:read', param('community')) },
	'/api/plans/[community]/diff': { GET: read('plans:read', param('community')) },
	'/api/plans/[community]/propose': { POST: read('plans:read', param('community')) },
	'/api/plans/[community]/export': { GET: read('plans:read', param('community')) },
	'/api/plans/[community]/import': { POST: change('plans:write', param('community')) }
};

export type Decision = { ok: true; public: boolean } | { ok: false; status: 401 | 403 | 405; code: string; message: string };

const UNAUTHENTICATED = {
	ok: false as const,
	status: 401 as const,
	code: 'unauthenticated',
	message: '请先登录 / please sign in'
};

/** The rule of a request, or null when the route has none (refused). */
export function ruleFor(routeId: string, method: string): Rule | null {
	const rules = ROUTE_RULES[routeId];
	if (!rules) return null;
	const m = (method === 'HEAD' ? 'GET' : method) as Method;
	return rules[m] ?? null;
}

export async function authorize(event: RequestEvent, principal: Principal | null, db: Queryable | null): Promise<Decision> {
	const routeId = event.route.id;
	if (!routeId) return { ok: true, public: true }; // no such route: SvelteKit answers 404 (or a static file)
	const rule = ruleFor(routeId, event.request.method);
	if (!rule) {
		if (ROUTE_RULES[routeId])
			return {
				ok: false,
				status: 405,
				code: 'method_not_allowed',
				message: `${event.request.method} 不适用于此地址 / ${event.request.method} is not allowed here`
			};
		return {
			ok: false,
			status: 403,
			code: 'no_rule',
			message: `路由 ${routeId} 没有权限规则，已拒绝 / route ${routeId} has no permission rule and is refused`
		};
	}
	if (rule.need === 'public') return { ok: true, public: true };
	if (!principal) return UNAUTHENTICATED;
	if (rule.need !== 'signed-in' && !principal.capabilities.includes(rule.need)) {
		return {
			ok: false,
			status: 403,
			code: 'forbidden',
			message: `${principal.displayName} 没有“${CAPABILITY_NAMES[rule.need][0]}”的权限，请联系管理员 / ${principal.displayName} may not ${CAPABILITY_NAMES[rule.need][1]}; ask an administrator`
		};
	}
	if (routeId === '/api/layers/[layer]' && event.params['layer' as never] === 'cases' && !principal.capabilities.includes('cases:detail')) {
		return { ok: false, status: 403, code: 'forbidden', message: '案件点位仅限领导和管理员查看 / exact case points are for leaders and admins only' };
	}
	if (rule.unit && db) {
		const unit = await rule.unit(event, db);
		if (unit) {
			const allowed = unit === CITY ? principal.units.includes(CITY) : rule.change ? unitInside(principal.units, unit) : unitVisible(principal.units, unit);
			if (!allowed) {
				return {
					ok: false,
					status: 403,
					code: 'outside_jurisdiction',
					message: `${unit === CITY ? '全市' : unit} 不在 ${principal.displayName} 的辖区内（${principal.units.join('、')}）/ ${unit === CITY ? 'the whole city' : unit} is outside ${principal.displayName}'s jurisdiction (${principal.units.join(', ')})`
				};
			}
		}
	}
	return { ok: true, public: false };
}
