// One working example request for every route of src/routes, against the demo city with its demo
// accounts: the permission suite calls each as every role, the security suites send hostile
// variants of each. A new route without an example fails both.
import type { AppServer } from '../browser/helpers/app-server';
import type { DemoRole } from '../browser/helpers/session';

export const ROLES: DemoRole[] = ['admin', 'planner', 'leader', 'worker', 'viewer'];

export interface Ctx {
	subdistrict: string; // the planner's jurisdiction
	community: string; // inside it (the worker's grid's community)
	otherCommunity: string; // outside it
	grid: string; // the worker's grid
	caseIn: string; // a case in the worker's grid
	lonlat: [number, number]; // a point in the worker's grid
	rule: string;
	facility: string;
}

export interface Example {
	path: string;
	body?: unknown;
	form?: Record<string, string>;
	/** Roles allowed (others get 403). 'public': no sign-in needed. */
	allowed: DemoRole[] | 'public';
	/** 'ok': 2xx/3xx; 'handled': the route's own answer, any status but 401/403/5xx (bad input on purpose). */
	expect?: 'ok' | 'handled';
	/** Sign in anew for each call (the request ends the session). */
	fresh?: boolean;
}

export const ALL = ROLES;
export const READERS: DemoRole[] = ['admin', 'planner', 'leader', 'viewer'];
export const CASE_READERS: DemoRole[] = ['admin', 'leader', 'worker'];

export function examples(c: Ctx): Record<string, Record<string, Example>> {
	const tile = (() => {
		const z = 14;
		const x = Math.floor(((c.lonlat[0] + 180) / 360) * 2 ** z);
		const r = (c.lonlat[1] * Math.PI) / 180;
		const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
		return `/tiles/grids/${z}/${x}/${y}.pbf`;
	})();
	return {
		'/': { GET: { path: '/', allowed: ALL } },
		'/login': { GET: { path: '/login', allowed: 'public' }, POST: { path: '/login', form: { username: 'nobody', password: 'x' }, allowed: 'public' } },
		'/logout': { POST: { path: '/logout', form: {}, allowed: ALL, fresh: true } },
		'/account': {
			GET: { path: '/account', allowed: ALL },
			POST: {
				path: '/account?/password',
				form: { current: 'wrong', password: 'new-password-123', confirm: 'new-password-123' },
				allowed: ALL,
				expect: 'handled'
			}
		},
		'/admin/users': {
			GET: { path: '/admin/users', allowed: ['admin'] },
			POST: { path: '/admin/users?/create', form: { username: 'perm-viewer', role: 'viewer', units: '*' }, allowed: ['admin'] }
		},
		'/admin/tokens': {
			GET: { path: '/admin/tokens', allowed: ['admin'] },
			POST: { path: '/admin/tokens?/create', form: { name: 'perm', kind: 'api' }, allowed: ['admin'] }
		},
		'/audit': { GET: { path: '/audit', allowed: ['admin', 'planner', 'leader'] } },
		'/admin/readiness': { GET: { path: '/admin/readiness', allowed: ['admin'] } },
		'/import': {
			GET: { path: '/import', allowed: ['admin'] },
			POST: { path: '/import', form: { layer: 'facilities', crs: 'wgs84' }, allowed: ['admin'], expect: 'handled' }
		},
		'/coverage': { GET: { path: '/coverage', allowed: READERS } },
		'/coverage/report': { GET: { path: `/coverage/report?community=${c.community}`, allowed: READERS } },
		'/coverage/rules': {
			GET: { path: '/coverage/rules', allowed: READERS },
			POST: { path: '/coverage/rules?/delete', form: { id: 'no_such_rule' }, allowed: ['admin'], expect: 'handled' }
		},
		'/coverage/life-circle': { GET: { path: '/coverage/life-circle', allowed: READERS } },
		'/wall/[[code]]': { GET: { path: `/wall/${c.subdistrict}`, allowed: ['admin', 'leader'] } },
		'/plan': { GET: { path: '/plan', allowed: READERS } },
		'/cases/scorecard': { GET: { path: '/cases/scorecard', allowed: CASE_READERS } },
		'/cases/taxonomy': {
			GET: { path: '/cases/taxonomy', allowed: ALL },
			POST: { path: '/cases/taxonomy?/save', form: { code: 'X9999' }, allowed: ['admin'], expect: 'handled' }
		},
		'/cases/calendar': {
			GET: { path: '/cases/calendar?year=2026', allowed: ALL },
			// a date outside the year: refused by the page's own check (400), nothing written
			POST: { path: '/cases/calendar?/save&year=2099', form: { day: '2026-10-01', kind: 'holiday', name: 'x' }, allowed: ['admin'], expect: 'handled' }
		},
		'/plan/[community]': { GET: { path: `/plan/${c.community}`, allowed: READERS } },
		'/api/health': { GET: { path: '/api/health', allowed: 'public' } },
		'/api/session': {
			GET: { path: '/api/session', allowed: 'public' },
			POST: { path: '/api/session', body: {}, allowed: 'public' },
			DELETE: { path: '/api/session', allowed: 'public' }
		},
		'/api/audit': { GET: { path: '/api/audit?limit=5', allowed: ['admin', 'planner', 'leader'] } },
		'/api/tokens': {
			GET: { path: '/api/tokens', allowed: ['admin'] },
			POST: { path: '/api/tokens', body: { name: 'perm-api', kind: 'api' }, allowed: ['admin'] }
		},
		'/api/tokens/[id]': { DELETE: { path: '/api/tokens/999999', allowed: ['admin'], expect: 'handled' } },
		'/api/units/[code]': { GET: { path: `/api/units/${c.community}`, allowed: ALL } },
		'/api/search': { GET: { path: `/api/search?q=${c.community.slice(0, 9)}`, allowed: ALL } },
		'/api/locate': { GET: { path: `/api/locate?lon=${c.lonlat[0]}&lat=${c.lonlat[1]}`, allowed: ALL } },
		'/api/layers/[layer]': { GET: { path: '/api/layers/communities', allowed: ALL } },
		'/tiles/[layer]/[z]/[x]/[y].pbf': { GET: { path: tile, allowed: ALL } },
		'/api/isochrone': { GET: { path: `/api/isochrone?lon=${c.lonlat[0]}&lat=${c.lonlat[1]}&minutes=5`, allowed: ALL } },
		'/api/catchment': { GET: { path: `/api/catchment?facility=${c.facility}&minutes=5`, allowed: ALL, expect: 'handled' } },
		'/api/life-circle': { GET: { path: `/api/life-circle?subdistrict=${c.subdistrict}`, allowed: READERS } },
		'/api/rules': {
			GET: { path: '/api/rules', allowed: READERS },
			POST: { path: '/api/rules', body: { id: 'Bad Id' }, allowed: ['admin'], expect: 'handled' }
		},
		'/api/rules/[id]': {
			GET: { path: `/api/rules/${c.rule}`, allowed: READERS },
			PATCH: { path: `/api/rules/${c.rule}`, body: { requiredSharePct: 150 }, allowed: ['admin'], expect: 'handled' },
			DELETE: { path: '/api/rules/no_such_rule', allowed: ['admin'], expect: 'handled' }
		},
		'/api/coverage': { GET: { path: `/api/coverage?subdistrict=${c.subdistrict}`, allowed: READERS } },
		'/api/scenarios': {
			GET: { path: '/api/scenarios', allowed: READERS },
			POST: { path: '/api/scenarios', body: { name: '', edits: [] }, allowed: ['admin', 'planner'], expect: 'handled' }
		},
		'/api/scenarios/[id]': {
			GET: { path: '/api/scenarios/999999?result=1', allowed: READERS, expect: 'handled' },
			PUT: { path: '/api/scenarios/999999', body: {}, allowed: ['admin', 'planner'], expect: 'handled' },
			DELETE: { path: '/api/scenarios/999999', allowed: ['admin', 'planner'], expect: 'handled' }
		},
		'/coverage/scenarios': { GET: { path: '/coverage/scenarios', allowed: READERS } },
		'/api/coverage/cell': { GET: { path: `/api/coverage/cell?community=${c.community}&rule=${c.rule}`, allowed: READERS } },
		'/api/coverage/suggest': { POST: { path: `/api/coverage/suggest?community=${c.community}&rule=${c.rule}`, body: {}, allowed: READERS, expect: 'handled' } },
		'/api/coverage/whatif': {
			GET: { path: `/api/coverage/whatif?rule=${c.rule}`, allowed: READERS, expect: 'handled' },
			POST: { path: `/api/coverage/whatif?rule=${c.rule}`, body: {}, allowed: READERS, expect: 'handled' }
		},
		'/api/access': { GET: { path: `/api/access?rule=capacity_childcare_places&level=building&community=${c.community}`, allowed: READERS } },
		'/api/wall': { GET: { path: `/api/wall?unit=${c.subdistrict}`, allowed: ['admin', 'leader'] } },
		'/api/cases': {
			GET: { path: '/api/cases?limit=5', allowed: CASE_READERS },
			POST: { path: '/api/cases', body: { id: 'PERM-1', category: 'other', lon: c.lonlat[0], lat: c.lonlat[1] }, allowed: ['admin', 'worker'] }
		},
		'/api/cases/[id]': {
			GET: { path: `/api/cases/${c.caseIn}`, allowed: CASE_READERS },
			PATCH: { path: `/api/cases/${c.caseIn}`, body: { status: 'registered' }, allowed: ['admin', 'worker'] }
		},
		'/api/cases/stream': { GET: { path: '/api/cases/stream', allowed: CASE_READERS } },
		// An unknown action: every role past the rule gets the route's own 400 (which side may take a step is geo/cases/ops's).
		'/api/cases/[id]/steps': { POST: { path: `/api/cases/${c.caseIn}/steps`, body: { action: 'bogus' }, allowed: CASE_READERS, expect: 'handled' } },
		'/api/cases/taxonomy': { GET: { path: '/api/cases/taxonomy', allowed: ALL } },
		// The worker's phone (docs/worker.md): for those who report and handle cases.
		'/m': { GET: { path: '/m', allowed: ['admin', 'worker'] } },
		'/patrol': { GET: { path: '/patrol?user=worker', allowed: ['admin', 'leader'] } },
		'/api/worker/reports': {
			POST: { path: '/api/worker/reports', body: { id: 'm-perm-000001', subclass: 'E0104', lon: c.lonlat[0], lat: c.lonlat[1] }, allowed: ['admin', 'worker'] }
		},
		'/api/worker/tasks': { GET: { path: '/api/worker/tasks', allowed: CASE_READERS } },
		'/api/cases/[id]/notes': { POST: { path: `/api/cases/${c.caseIn}/notes`, body: { id: 'n-perm-000001', text: '已到现场' }, allowed: ['admin', 'worker'] } },
		// A JSON body where a multipart form is expected: the route's own 400 for every role past the rule.
		'/api/cases/[id]/photos': { POST: { path: `/api/cases/${c.caseIn}/photos`, body: {}, allowed: ['admin', 'worker'], expect: 'handled' } },
		'/api/photos/[id]': { GET: { path: '/api/photos/p-perm-missing-1', allowed: CASE_READERS, expect: 'handled' } },
		'/api/patrol': { GET: { path: '/api/patrol', allowed: CASE_READERS } },
		'/api/patrol/points': { POST: { path: '/api/patrol/points', body: { points: [] }, allowed: ['admin', 'worker'] } },
		'/api/patrol/tracks': { GET: { path: '/api/patrol/tracks', allowed: ['admin', 'leader'] } },
		'/api/cases/calendar/[year]': {
			GET: { path: '/api/cases/calendar/2025', allowed: ALL },
			PUT: { path: '/api/cases/calendar/2099', body: { days: [] }, allowed: ['admin'] }
		},
		'/api/cases/scorecard': { GET: { path: '/api/cases/scorecard?level=community', allowed: CASE_READERS } },
		'/api/cases/columns': { GET: { path: '/api/cases/columns', allowed: ['admin', 'leader'] } },
		'/api/cases/locate': {
			GET: {
				path: `/api/cases/locate?lon=${c.lonlat[0]}&lat=${c.lonlat[1]}&reported=2026-01-01T00:00:00Z&category=other`,
				allowed: ['admin', 'leader'],
				expect: 'handled'
			}
		},
		'/api/cases/density': { GET: { path: '/api/cases/density?res=8', allowed: ALL } },
		'/api/cases/grids': { GET: { path: '/api/cases/grids', allowed: ALL } },
		'/api/cases/kpis': { GET: { path: '/api/cases/kpis', allowed: ALL } },
		'/api/plans/[community]': {
			GET: { path: `/api/plans/${c.community}`, allowed: READERS },
			POST: { path: `/api/plans/${c.community}`, body: {}, allowed: ['admin', 'planner'], expect: 'handled' }
		},
		'/api/plans/[community]/revisions/[id]': { GET: { path: `/api/plans/${c.community}/revisions/999999`, allowed: READERS, expect: 'handled' } },
		'/api/plans/[community]/diff': { GET: { path: `/api/plans/${c.community}/diff?from=1&to=2`, allowed: READERS, expect: 'handled' } },
		'/api/plans/[community]/propose': { POST: { path: `/api/plans/${c.community}/propose`, body: {}, allowed: READERS, expect: 'handled' } },
		'/api/plans/[community]/export': { GET: { path: `/api/plans/${c.community}/export?format=csv`, allowed: READERS } },
		'/api/plans/[community]/import': { POST: { path: `/api/plans/${c.community}/import`, body: {}, allowed: ['admin', 'planner'], expect: 'handled' } }
	};
}

/**
 * The demo city's units for the examples (the worker's grid and its community, the planner's
 * subdistrict, a community outside it, a rule, a facility), with two cases planted by the admin:
 * PERM-IN in the worker's grid and PERM-OUT in the other community. `cookies` are the demo roles' sessions.
 */
export async function routeContext(app: AppServer, cookies: Map<DemoRole, string>): Promise<Ctx> {
	const admin = (p: string) => app.fetch(`${app.url}${p}`).then((r) => r.json());
	const who = await (await fetch(`${app.url}/api/session`, { headers: { cookie: cookies.get('worker')! } })).json();
	const planner = await (await fetch(`${app.url}/api/session`, { headers: { cookie: cookies.get('planner')! } })).json();
	const grid: string = who.principal.units[0];
	const subdistrict: string = planner.principal.units[0];
	const communities = (await admin('/api/layers/communities')).features.map((f: { properties: { code: string } }) => f.properties.code) as string[];
	// Label points lie inside their polygon: a point in the worker's grid, one in another community.
	const labelOf = async (layer: string, code: string) =>
		((await admin(`/api/layers/${layer}?labels=1`)).features as { properties: { code: string }; geometry: { coordinates: [number, number] } }[]).find(
			(f) => f.properties.code === code
		)!.geometry.coordinates;
	const [lon, lat] = await labelOf('grids', grid);
	const rules = await admin('/api/rules');
	const facilities = await admin('/api/layers/facilities');
	const ctx: Ctx = {
		subdistrict,
		community: grid.slice(0, 12),
		otherCommunity: communities.find((c) => !c.startsWith(subdistrict))!,
		grid,
		caseIn: 'PERM-IN',
		lonlat: [lon, lat],
		// an enabled distance rule: every coverage route answers for it (a disabled rule is 404 there)
		rule: ((rules.rules ?? rules) as { id: string; kind: string; enabled: boolean }[]).find((r) => r.enabled && r.kind === 'distance')!.id,
		facility: String(facilities.features[0].properties.id ?? facilities.features[0].id)
	};
	// A case in the worker's grid and one elsewhere (posted by the admin).
	const farPoint = await labelOf('communities', ctx.otherCommunity);
	const posted = await app.fetch(`${app.url}/api/cases`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify([
			{ id: 'PERM-IN', category: 'other', lon, lat },
			{ id: 'PERM-OUT', category: 'other', lon: farPoint[0], lat: farPoint[1] }
		])
	});
	if (posted.status !== 200) throw new Error(`planting cases failed: ${posted.status} ${await posted.text()}`);
	return ctx;
}
