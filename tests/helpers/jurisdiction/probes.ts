// The probes of the jurisdiction tests (tests/security/jurisdiction-*.test.ts): every route on disk
// (tests/helpers/routes.ts) has a probe here or a reason why it returns no case data, so a new route
// can't bring the hole back. Each probe is called at every unit of the readers' subdistrict and the one
// next door, and with none.
import { MAP_LAYERS } from '../../../src/lib/server/map/geojson';
import { TILE_LAYERS } from '../../../src/lib/server/map/tiles';
import { caseId, photoId, PLACES, type Place } from './city';

export interface Ctx {
	/** The readers' units (all around one grid) and a sibling at each level. */
	units: { grid: string; community: string; subdistrict: string; sibgrid: string; sibcomm: string; sibsub: string };
	points: Record<Place, [number, number]>;
	/** When each place's first case was reported (filled once planted). */
	reported?: Record<Place, string>;
	bbox: string;
	rule: string;
	facility: string;
}

export interface Probe {
	/** The path asking for `unit` (null: none); null where the route does not take that unit. */
	path: (unit: string | null) => string | null;
	/** Code lengths the route takes as its unit (9 subdistrict, 12 community, 15 grid). */
	units?: number[];
	/** A page: its HTML and its __data.json are read. */
	page?: boolean;
	/** The answer holds figures computed from cases: checked by difference (see the header). */
	figures?: boolean;
	/** The answer lists cases: a reader allowed to read it sees its own. */
	lists?: boolean;
	/** A case id the request names, which the answer may repeat ("no case X"). */
	echo?: string;
}

/** Routes (method and id) that return no case data, and why; every other route needs a probe. */
export const NO_CASE_DATA: Record<string, string> = {
	'POST /login': "signs in: a session cookie or the form's error",
	'POST /logout': 'ends the session',
	'POST /account': "changes the reader's own password",
	'POST /admin/users': 'creates or changes users (admins only)',
	'POST /admin/tokens': 'creates or revokes tokens (admins only)',
	'POST /import': 'imports an uploaded file (admins only); the summary is about that file',
	'GET /plan': "lists the communities inside the reader's jurisdiction (names, codes, grid counts); reads no case",
	'POST /coverage/rules': 'changes coverage rules (admins only)',
	'POST /api/session': 'signs in: the principal, nothing else',
	'DELETE /api/session': 'signs out',
	'POST /api/tokens': 'creates a token (admins only)',
	'DELETE /api/tokens/[id]': 'revokes a token (admins only)',
	'POST /api/rules': 'creates a coverage rule (admins only)',
	'PATCH /api/rules/[id]': 'changes a coverage rule (admins only)',
	'DELETE /api/rules/[id]': 'deletes a coverage rule (admins only)',
	'POST /api/coverage/suggest': 'facility sites from households, facilities and walking network; reads no case',
	'POST /api/coverage/whatif': 'coverage with a facility added or moved; reads no case',
	'POST /api/scenarios': 'saves a network scenario (planners); answers it; no case',
	'PUT /api/scenarios/[id]': 'changes a network scenario (planners); answers it; no case',
	'DELETE /api/scenarios/[id]': 'deletes a network scenario (planners); no case',
	'POST /api/cases': "a write: items outside the sender's jurisdiction are refused one by one (permissions test)",
	'PATCH /api/cases/[id]': 'a write: refused outside the jurisdiction before the route runs (permissions test)',
	'POST /api/cases/[id]/steps': "a write: refused outside the jurisdiction before the route runs; answers that case's own operations",
	'PUT /api/cases/calendar/[year]': "replaces a year's holidays (admins only); no case",
	'POST /cases/calendar': "replaces a year's holidays (admins only); no case",
	'POST /cases/taxonomy': "changes a subclass's department and time limits, the departments and the category mapping (admins only); no case",
	'POST /api/plans/[community]': 'saves a grid plan (boundaries and households; no case)',
	'POST /api/plans/[community]/propose': 'proposes grid boundaries from buildings and roads; no case',
	'POST /api/plans/[community]/import': 'imports grid boundaries into a plan; no case',
	'POST /api/worker/reports': "a write through the case ingest: a place outside the sender's jurisdiction is refused (tests/browser/worker.test.ts)",
	'POST /api/cases/[id]/notes': 'a write: refused outside the jurisdiction before the route runs; answers the note id',
	'POST /api/cases/[id]/photos': 'a write: refused outside the jurisdiction before the route runs; answers the photo id',
	'POST /api/patrol/points': "stores the sender's own track points; answers their count",
	'GET /api/patrol/tracks': "workers' patrol walks (leaders and admins of those workers' units only: tests/worker.test.ts); no case"
};
/** Probed by the stream test below rather than the table. */
export const STREAMED = new Set(['GET /api/cases/stream']);

const ALL = [9, 12, 15];

function tileOf([lon, lat]: [number, number], z = 14): string {
	const x = Math.floor(((lon + 180) / 360) * 2 ** z);
	const r = (lat * Math.PI) / 180;
	const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
	return `${z}/${x}/${y}`;
}

export function probes(c: Ctx): Record<string, Probe[]> {
	const q = (name: string, u: string | null, first = '?') => (u ? `${first}${name}=${u}` : '');
	const page = (path: string): Probe[] => [{ path: (u) => (u ? null : path), page: true }];
	const plain = (path: string): Probe[] => [{ path: (u) => (u ? null : path) }];
	const ids = PLACES.map((p) => caseId(p, 1));
	const tiles = [...new Set(Object.values(c.points).map((p) => tileOf(p)))];
	return {
		'GET /': [{ path: (u) => `/${q('unit', u)}`, units: ALL, page: true, figures: true }],
		'GET /login': page('/login'),
		'GET /account': page('/account'),
		'GET /admin/users': page('/admin/users'),
		'GET /admin/readiness': page('/admin/readiness'),
		'GET /admin/tokens': page('/admin/tokens'),
		'GET /audit': [{ path: (u) => `/audit${q('unit', u)}`, units: ALL, page: true, figures: true }],
		'GET /import': page('/import'),
		'GET /coverage': page('/coverage'),
		'GET /coverage/report': [{ path: (u) => `/coverage/report${q('community', u)}`, units: [12], page: true }],
		'GET /coverage/rules': page('/coverage/rules'),
		'GET /coverage/life-circle': page('/coverage/life-circle'),
		'GET /wall/[[code]]': [{ path: (u) => (u ? `/wall/${u}` : '/wall'), units: [9], page: true, figures: true, lists: true }],
		'GET /plan/[community]': [{ path: (u) => (u ? `/plan/${u}` : null), units: [12], page: true }],
		'GET /api/health': plain('/api/health'),
		'GET /api/session': plain('/api/session'),
		'GET /api/audit': [
			{ path: (u) => `/api/audit${q('unit', u)}`, units: ALL, figures: true },
			{ path: (u) => `/api/audit?entity=cases${q('unit', u, '&')}`, units: ALL, figures: true }
		],
		'GET /api/tokens': plain('/api/tokens'),
		'GET /api/units/[code]': [{ path: (u) => `/api/units/${u ?? 'city'}`, units: ALL }],
		'GET /api/search': ids.map((id) => ({ path: (u) => (u ? null : `/api/search?q=${id}`), echo: id })),
		'GET /api/locate': Object.values(c.points).flatMap((p) => plain(`/api/locate?lon=${p[0]}&lat=${p[1]}`)),
		'GET /api/layers/[layer]': [
			...MAP_LAYERS.map((l): Probe => ({ path: (u) => (u ? null : `/api/layers/${l}?bbox=${c.bbox}`), figures: l === 'cases', lists: l === 'cases' })),
			{ path: (u) => (u ? null : '/api/layers/cases'), figures: true, lists: true }
		],
		// Every tile layer (and a "cases" one, which must not exist) where the cases lie.
		'GET /tiles/[layer]/[z]/[x]/[y].pbf': [...TILE_LAYERS, 'cases'].flatMap((l) => tiles.flatMap((t) => plain(`/tiles/${l}/${t}.pbf`))),
		'GET /api/isochrone': plain(`/api/isochrone?lon=${c.points.own[0]}&lat=${c.points.own[1]}&minutes=5`),
		'GET /api/catchment': plain(`/api/catchment?facility=${c.facility}&minutes=5`),
		'GET /api/life-circle': [{ path: (u) => `/api/life-circle${q('subdistrict', u)}`, units: [9] }],
		'GET /api/rules': plain('/api/rules'),
		'GET /api/scenarios': plain('/api/scenarios'),
		'GET /api/scenarios/[id]': plain('/api/scenarios/999999?result=1'),
		'GET /coverage/scenarios': page('/coverage/scenarios'),
		'GET /api/rules/[id]': plain(`/api/rules/${c.rule}`),
		'GET /api/coverage': [{ path: (u) => `/api/coverage${q('subdistrict', u)}`, units: [9] }],
		'GET /api/coverage/cell': [{ path: (u) => (u ? `/api/coverage/cell?community=${u}&rule=${c.rule}` : null), units: [12] }],
		'GET /api/coverage/whatif': plain(`/api/coverage/whatif?rule=${c.rule}`),
		'GET /api/access': [
			{
				path: (u) => (u ? `/api/access?rule=capacity_childcare_places&level=building&community=${u}` : '/api/access?rule=capacity_childcare_places&level=h3'),
				units: [12]
			}
		],
		'GET /api/wall': [{ path: (u) => `/api/wall${q('unit', u)}`, units: [9], figures: true, lists: true }],
		'GET /api/cases': [{ path: (u) => (u ? null : '/api/cases?limit=5000'), figures: true, lists: true }],
		'GET /api/cases/[id]': [...ids, 'JUR-unknown-1'].map((id) => ({ path: (u) => (u ? null : `/api/cases/${id}`), echo: id, lists: id === caseId('own', 1) })),
		'GET /api/cases/columns': [{ path: (u) => (u ? null : '/api/cases/columns'), figures: true }, ...plain('/api/cases/columns?grids=1')],
		// A point of the points view at each place: its id for the reader's own, 404 (as for none) for the others.
		'GET /api/cases/locate': PLACES.map((p): Probe => ({
			path: (u) =>
				u || !c.reported ? null : `/api/cases/locate?lon=${c.points[p][0]}&lat=${c.points[p][1]}&reported=${encodeURIComponent(c.reported[p])}&category=other`,
			lists: p === 'own'
		})),
		'GET /api/cases/density': [{ path: (u) => (u ? null : '/api/cases/density?res=9'), figures: true }],
		'GET /api/cases/grids': [{ path: (u) => (u ? null : '/api/cases/grids'), figures: true }],
		'GET /api/cases/kpis': [{ path: (u) => `/api/cases/kpis${q('unit', u)}`, units: [9, 12], figures: true }],
		'GET /api/cases/taxonomy': plain('/api/cases/taxonomy'),
		'GET /api/cases/calendar/[year]': plain('/api/cases/calendar/2026'),
		'GET /api/cases/scorecard': ['grid', 'community', 'subdistrict', 'department', 'worker'].map((level) => ({
			path: (u: string | null) => (u ? null : `/api/cases/scorecard?level=${level}`),
			figures: true
		})),
		'GET /cases/calendar': page('/cases/calendar'),
		'GET /cases/taxonomy': page('/cases/taxonomy'),
		'GET /cases/scorecard': [{ path: (u) => (u ? null : '/cases/scorecard?level=grid'), page: true, figures: true }],
		'GET /api/plans/[community]': [{ path: (u) => (u ? `/api/plans/${u}` : null), units: [12] }],
		'GET /api/plans/[community]/revisions/[id]': [{ path: (u) => (u ? `/api/plans/${u}/revisions/1` : null), units: [12] }],
		'GET /api/plans/[community]/diff': [{ path: (u) => (u ? `/api/plans/${u}/diff?from=1&to=2` : null), units: [12] }],
		'GET /api/plans/[community]/export': [{ path: (u) => (u ? `/api/plans/${u}/export?format=csv` : null), units: [12] }],
		// The worker's phone: its page (grids, taxonomy), its tasks, case photos (each planted photo's
		// bytes carry its case's markers) and the reader's own patrol track.
		'GET /m': page('/m'),
		'GET /patrol': page('/patrol'),
		'GET /api/worker/tasks': [{ path: (u) => (u ? null : '/api/worker/tasks'), lists: true }],
		'GET /api/photos/[id]': PLACES.flatMap((p) =>
			[false, true].map((thumb): Probe => ({
				path: (u) => (u ? null : `/api/photos/${photoId(p)}${thumb ? '?size=thumb' : ''}`),
				echo: photoId(p),
				lists: p === 'own'
			}))
		),
		'GET /api/patrol': plain('/api/patrol')
	};
}

/** One call of a probe: the path read, and whether the reader's own cases lie in what it asks for. */
export interface Call {
	path: string;
	probe: Probe;
	/** Its answer is checked by difference (a page: its __data.json only). */
	figures: boolean;
	ownInside: boolean;
}

const dataPath = (path: string) => {
	const [pathname, search] = path.split('?');
	return `${pathname.replace(/\/$/, '')}/__data.json${search ? `?${search}` : ''}`;
};

export function calls(c: Ctx, only?: (p: Probe) => boolean): Call[] {
	const codes = [c.units.grid, c.units.community, c.units.subdistrict, c.units.sibgrid, c.units.sibcomm, c.units.sibsub];
	const out: Call[] = [];
	for (const list of Object.values(probes(c))) {
		for (const probe of list) {
			if (only && !only(probe)) continue;
			for (const unit of [null, ...codes.filter((u) => probe.units?.includes(u.length))]) {
				const path = probe.path(unit);
				if (path === null) continue;
				const ownInside = unit === null || c.units.grid.startsWith(unit);
				if (probe.page) out.push({ path, probe, figures: false, ownInside });
				out.push({ path: probe.page ? dataPath(path) : path, probe, figures: !!probe.figures, ownInside });
			}
		}
	}
	return out;
}
