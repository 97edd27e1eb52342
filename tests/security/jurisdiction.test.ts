// Jurisdiction as a row filter (issue 16, finding 1), over HTTP against the production build. A
// reader scoped to one grid, one community or one subdistrict may open the units above it (to drill
// down), but no answer may carry a case — id, description, point — or a figure computed from cases
// outside its jurisdiction. Every route on disk (tests/helpers/routes.ts) has a probe here or a
// reason why it returns no case data, so a new route can't bring the hole back.
// Known cases are planted in the readers' grid and in every sibling (another grid of its community,
// another community of its subdistrict, another subdistrict, outside every unit). Each probe is
// called at every unit of the readers' subdistrict and the one next door, and with none; then:
// - no foreign case id or description appears (pages too, and their __data.json);
// - answers with case figures stay the same while more foreign cases arrive, and change when one
//   more of the reader's own does (so the check can't pass by answering nothing);
// - the live stream delivers none of the foreign cases, replayed or live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild, startApp, type AppServer } from '../browser/helpers/app-server';
import { routesOnDisk } from '../helpers/routes';
import { MAP_LAYERS } from '../../src/lib/server/map/geojson';
import { TILE_LAYERS } from '../../src/lib/server/map/tiles';

type Level = 'grid' | 'community' | 'subdistrict';
/** Where cases are planted: the readers' own grid (inside every reader), then its siblings. */
const PLACES = ['own', 'sibgrid', 'sibcomm', 'sibsub', 'nowhere'] as const;
type Place = (typeof PLACES)[number];
const FOREIGN: Record<Level, Place[]> = {
	grid: ['sibgrid', 'sibcomm', 'sibsub', 'nowhere'],
	community: ['sibcomm', 'sibsub', 'nowhere'],
	subdistrict: ['sibsub', 'nowhere']
};
// Distinctive enough that no other text of an answer contains them.
const caseId = (place: Place, n: number) => `JUR-${place}-${n}`;
const description = (place: Place, n: number) => `DESC-${place}-${n} 机密`;
const markers = (level: Level) => FOREIGN[level].flatMap((p) => [`JUR-${p}-`, `DESC-${p}-`]);
/** A photo of each place's first case; its bytes hold the case's markers (a JPEG by its signature). */
const photoId = (place: Place) => `photo-${place}-0001`;
const photoBytes = (place: Place) =>
	new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode(` ${caseId(place, 1)} ${description(place, 1)} `), 0xff, 0xd9]);

interface Reader {
	name: string;
	level: Level;
	role?: 'worker' | 'leader' | 'viewer';
	token?: 'wall' | 'api';
	headers: Record<string, string>;
}
const READERS: Omit<Reader, 'headers'>[] = [
	{ name: 'jur-worker-grid', level: 'grid', role: 'worker' },
	{ name: 'jur-worker-community', level: 'community', role: 'worker' },
	{ name: 'jur-leader-community', level: 'community', role: 'leader' },
	{ name: 'jur-leader-subdistrict', level: 'subdistrict', role: 'leader' },
	{ name: 'jur-viewer-community', level: 'community', role: 'viewer' },
	{ name: 'jur-wall-community', level: 'community', token: 'wall' },
	{ name: 'jur-api-community', level: 'community', token: 'api' }
];
const PASSWORD = 'scope-test-password-2026';

interface Ctx {
	/** The readers' units (all around one grid) and a sibling at each level. */
	units: { grid: string; community: string; subdistrict: string; sibgrid: string; sibcomm: string; sibsub: string };
	points: Record<Place, [number, number]>;
	/** When each place's first case was reported (filled once planted). */
	reported?: Record<Place, string>;
	bbox: string;
	rule: string;
	facility: string;
}

interface Probe {
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
const NO_CASE_DATA: Record<string, string> = {
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
const STREAMED = new Set(['GET /api/cases/stream']);

const ALL = [9, 12, 15];

function tileOf([lon, lat]: [number, number], z = 14): string {
	const x = Math.floor(((lon + 180) / 360) * 2 ** z);
	const r = (lat * Math.PI) / 180;
	const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
	return `${z}/${x}/${y}`;
}

function probes(c: Ctx): Record<string, Probe[]> {
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
interface Call {
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

function calls(c: Ctx, only?: (p: Probe) => boolean): Call[] {
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

// Timestamps (the wall's "at", the page clock) change between calls without any case changing.
const steady = (text: string) => text.replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?/g, 'T');

describe('jurisdiction: reads above the jurisdiction carry none of its siblings’ cases', () => {
	let app: AppServer;
	let ctx: Ctx;
	const readers: Reader[] = [];
	const planted: Record<Place, number> = { own: 0, sibgrid: 0, sibcomm: 0, sibsub: 0, nowhere: 0 };

	async function get(reader: Reader, path: string): Promise<{ status: number; text: string }> {
		const res = await fetch(`${app.url}${path}`, { headers: { origin: app.url, ...reader.headers }, redirect: 'manual' });
		const bytes = Buffer.from(await res.arrayBuffer());
		const type = res.headers.get('content-type') ?? '';
		// Binary answers (tiles, case columns): the markers are ASCII, latin1 keeps every byte.
		const text = bytes.toString(/json|text|html|csv/.test(type) ? 'utf8' : 'latin1');
		// A page's data answers a redirect with 200 and {"type":"redirect"}.
		return { status: text.startsWith('{"type":"redirect"') ? 303 : res.status, text };
	}

	const admin = async (path: string, init: RequestInit = {}) => {
		const res = await app.fetch(`${app.url}${path}`, {
			...init,
			headers: { origin: app.url, 'content-type': 'application/json', ...(init.headers as object) }
		});
		if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
		return res.json();
	};

	/** `count` more cases at each place (the admin reports them), the first of each moved one step (an audit row). */
	async function plant(places: Place[], count: number) {
		const items = places.flatMap((p) =>
			Array.from({ length: count }, () => ({
				id: caseId(p, ++planted[p]),
				category: 'other',
				description: description(p, planted[p]),
				lon: ctx.points[p][0],
				lat: ctx.points[p][1]
			}))
		);
		await admin('/api/cases', { method: 'POST', body: JSON.stringify(items) });
		for (const p of places) {
			await admin(`/api/cases/${caseId(p, planted[p] - count + 1)}`, { method: 'PATCH', body: JSON.stringify({ status: 'registered' }) });
			// 立案 in the operations workflow too: the scorecards count it.
			await admin(`/api/cases/${caseId(p, planted[p] - count + 1)}/steps`, { method: 'POST', body: JSON.stringify({ action: 'register' }) });
		}
	}

	function leaks(reader: Reader, path: string, text: string, echo?: string): string[] {
		const seen = echo ? text.replaceAll(echo, '') : text;
		return markers(reader.level)
			.filter((m) => seen.includes(m))
			.map((m) => `${reader.name} GET ${path}: ${m}… in ${JSON.stringify(seen.slice(Math.max(0, seen.indexOf(m) - 80), seen.indexOf(m) + 40))}`);
	}

	beforeAll(async () => {
		ensureBuild();
		app = await startApp();
		// The readers' subdistrict: the first with a community of two grids and another community with grids.
		const grids = (await admin('/api/layers/grids?labels=1')).features as {
			properties: { code: string; community_code: string };
			geometry: { coordinates: [number, number] };
		}[];
		grids.sort((a, b) => a.properties.code.localeCompare(b.properties.code));
		const byCommunity = new Map<string, typeof grids>();
		for (const g of grids) byCommunity.set(g.properties.community_code, [...(byCommunity.get(g.properties.community_code) ?? []), g]);
		const home = [...byCommunity.keys()].find(
			(c) => byCommunity.get(c)!.length >= 2 && [...byCommunity.keys()].some((o) => o !== c && o.slice(0, 9) === c.slice(0, 9))
		)!;
		const [own, sibgrid] = byCommunity.get(home)!;
		const sibcomm = grids.find((g) => g.properties.community_code !== home && g.properties.code.startsWith(home.slice(0, 9)))!;
		const sibsub = grids.find((g) => !g.properties.code.startsWith(home.slice(0, 9)))!;
		const points = { own, sibgrid, sibcomm, sibsub } as Record<Place, (typeof grids)[number]>;
		const at = Object.fromEntries(Object.entries(points).map(([k, g]) => [k, g.geometry.coordinates])) as Record<Place, [number, number]>;
		at.nowhere = [118.9, 32.2]; // outside every unit: the whole city's only
		const lons = Object.values(at).map((p) => p[0]);
		const lats = Object.values(at).map((p) => p[1]);
		const rules = await admin('/api/rules');
		const facilities = await admin('/api/layers/facilities');
		ctx = {
			units: {
				grid: own.properties.code,
				community: home,
				subdistrict: home.slice(0, 9),
				sibgrid: sibgrid.properties.code,
				sibcomm: sibcomm.properties.community_code,
				sibsub: sibsub.properties.code.slice(0, 9)
			},
			points: at,
			bbox: [Math.min(...lons) - 0.002, Math.min(...lats) - 0.002, Math.max(...lons) + 0.002, Math.max(...lats) + 0.002].join(','),
			rule: (rules.rules ?? rules)[0].id,
			facility: String(facilities.features[0].properties.id ?? facilities.features[0].id)
		};
		// Three cases at each place: a k-suppressed density cell (k = 3) would show them all.
		await plant([...PLACES], 3);
		const reported = await Promise.all(PLACES.map(async (p) => [p, (await admin(`/api/cases/${caseId(p, 1)}`)).reported_at] as const));
		ctx.reported = Object.fromEntries(reported) as Record<Place, string>;
		for (const p of PLACES) {
			const form = new FormData();
			form.set('id', photoId(p));
			form.set('photo', new Blob([photoBytes(p) as Uint8Array<ArrayBuffer>]), 'photo.jpg');
			form.set('thumb', new Blob([photoBytes(p) as Uint8Array<ArrayBuffer>]), 'thumb.jpg');
			const res = await app.fetch(`${app.url}/api/cases/${caseId(p, 1)}/photos`, { method: 'POST', headers: { origin: app.url }, body: form });
			expect(res.status, await res.clone().text()).toBe(200);
		}

		for (const r of READERS) {
			const unit = ctx.units[r.level];
			let headers: Record<string, string>;
			if (r.role) {
				const form = new URLSearchParams({ username: r.name, role: r.role, units: unit, password: PASSWORD, displayName: r.name });
				const made = await app.fetch(`${app.url}/admin/users?/create`, {
					method: 'POST',
					headers: { origin: app.url, 'content-type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true' },
					body: form
				});
				expect(await made.text()).toMatch(/"type":"success"/);
				const session = await fetch(`${app.url}/api/session`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', origin: app.url },
					body: JSON.stringify({ username: r.name, password: PASSWORD })
				});
				expect(session.status).toBe(200);
				headers = { cookie: session.headers.get('set-cookie')!.split(';')[0] };
			} else {
				const { token } = await admin('/api/tokens', { method: 'POST', body: JSON.stringify({ name: r.name, kind: r.token, units: [unit] }) });
				if (r.token === 'api') headers = { authorization: `Bearer ${token}` };
				else {
					// A kiosk: the token in the address once, then a cookie.
					const open = await fetch(`${app.url}/wall/${ctx.units.subdistrict}?token=${token}`, { redirect: 'manual' });
					expect(open.status).toBe(303);
					headers = { cookie: open.headers.get('set-cookie')!.split(';')[0] };
				}
			}
			const reader = { ...r, headers };
			const who = JSON.parse((await get(reader, '/api/session')).text);
			expect(who.principal.units).toEqual([unit]);
			readers.push(reader);
		}
	}, 300_000);
	afterAll(() => app?.stop());

	it('every route on disk has a probe here or a reason it returns no case data (a new route fails this test)', () => {
		const table = probes(ctx);
		const disk = routesOnDisk().map((r) => `${r.method} ${r.id}`);
		expect(disk.length).toBeGreaterThan(40);
		expect(
			disk.filter((k) => !table[k] && !NO_CASE_DATA[k] && !STREAMED.has(k)),
			'routes with neither a probe nor a reason'
		).toEqual([]);
		const known = new Set(disk);
		expect(
			[...Object.keys(table), ...Object.keys(NO_CASE_DATA), ...STREAMED].filter((k) => !known.has(k)),
			'probes of routes that no longer exist'
		).toEqual([]);
		expect(
			Object.keys(table).filter((k) => NO_CASE_DATA[k]),
			'probed and declared caseless at once'
		).toEqual([]);
	});

	it('no answer, at the own unit, a parent, a sibling or none, carries a foreign case id or description', async () => {
		const failures: string[] = [];
		for (const reader of readers) {
			let ok = 0;
			for (const call of calls(ctx)) {
				const got = await get(reader, call.path);
				if (got.status >= 500) failures.push(`${reader.name} GET ${call.path}: ${got.status} ${got.text.slice(0, 200)}`);
				if (got.status === 200) ok++;
				failures.push(...leaks(reader, call.path, got.text, call.probe.echo));
				// Not vacuous: where a reader may read the list, its own cases are on it.
				if (call.probe.lists && got.status === 200 && call.ownInside && !got.text.includes('JUR-own-'))
					failures.push(`${reader.name} GET ${call.path}: its own cases are missing`);
			}
			if (ok < 30) failures.push(`${reader.name}: only ${ok} answers were 200 — is it signed in?`);
		}
		expect(failures).toEqual([]);
	}, 300_000);

	it('a case outside the jurisdiction reads exactly like one that does not exist', async () => {
		for (const reader of readers) {
			const unknown = await get(reader, '/api/cases/JUR-unknown-1');
			for (const place of FOREIGN[reader.level]) {
				const id = caseId(place, 1);
				const got = await get(reader, `/api/cases/${id}`);
				expect({ reader: reader.name, id, status: got.status, text: got.text.replaceAll(id, 'X') }).toEqual({
					reader: reader.name,
					id,
					status: unknown.status,
					text: unknown.text.replaceAll('JUR-unknown-1', 'X')
				});
			}
		}
	});

	it("the wall of a unit above the jurisdiction says its case figures are the reader's only", async () => {
		const wall = `/wall/${ctx.units.subdistrict}`;
		for (const reader of readers.filter((r) => r.role === 'leader' || r.token === 'wall')) {
			const html = (await get(reader, `${wall}?lang=zh`)).text;
			expect(html.includes('data-testid="wall-scope"'), reader.name).toBe(reader.level !== 'subdistrict');
			// /wall (the city's) sends a scoped reader on to its own subdistrict's.
			expect((await fetch(`${app.url}/wall`, { headers: reader.headers, redirect: 'manual' })).headers.get('location')).toBe(wall);
		}
		const leader = readers.find((r) => r.name === 'jur-leader-community')!;
		expect((await get(leader, `${wall}?lang=zh`)).text).toMatch(/案件数据仅含本辖区：[^<]*社区/);
	});

	it('figures stay the same while foreign cases arrive and change with one more own case; the stream carries no foreign case', async () => {
		const figureCalls = calls(ctx, (p) => !!p.figures).filter((c) => c.figures);
		const record = async () => {
			const answers = new Map<string, { status: number; text: string }>();
			for (const reader of readers) for (const call of figureCalls) answers.set(`${reader.name} ${call.path}`, await get(reader, call.path));
			return answers;
		};
		const streams = await Promise.all(readers.map((r) => openStream(app.url, r.headers)));
		const failures: string[] = [];
		let before = await record();
		// Foreign to ever fewer readers: outside every unit and next door, then the next community, then the next grid.
		for (const stage of [['nowhere', 'sibsub'], ['sibcomm'], ['sibgrid']] as Place[][]) {
			await plant(stage, 2);
			const after = await record();
			for (const reader of readers.filter((r) => stage.every((p) => FOREIGN[r.level].includes(p)))) {
				for (const call of figureCalls) {
					const key = `${reader.name} ${call.path}`;
					const [a, b] = [before.get(key)!, after.get(key)!];
					if (a.status !== b.status || steady(a.text) !== steady(b.text)) failures.push(`${key}: changed when ${stage.join(' and ')} got cases`);
					failures.push(...leaks(reader, call.path, b.text));
				}
			}
			before = after;
		}
		await plant(['own'], 1);
		const after = await record();
		for (const reader of readers) {
			for (const call of figureCalls) {
				const key = `${reader.name} ${call.path}`;
				const [a, b] = [before.get(key)!, after.get(key)!];
				if (call.ownInside && b.status === 200 && steady(a.text) === steady(b.text)) failures.push(`${key}: did not change with one more own case`);
			}
		}
		// The stream: replayed from the start, then live through every stage, up to the last own case.
		const last = caseId('own', planted.own);
		for (const [i, stream] of streams.entries()) {
			const reader = readers[i];
			const text = await stream.until(last, 10_000);
			stream.close();
			if (stream.status !== 200) continue; // no cases:read (a viewer)
			if (!text.includes(last)) failures.push(`${reader.name} stream: its own new case ${last} never came`);
			failures.push(...leaks(reader, '/api/cases/stream', text));
		}
		expect(failures).toEqual([]);
	}, 300_000);
});

/** The case stream from the first event on, read in the background. */
async function openStream(base: string, headers: Record<string, string>) {
	const abort = new AbortController();
	const res = await fetch(`${base}/api/cases/stream?lastEventId=0`, { headers, signal: abort.signal });
	let text = '';
	const reader = res.status === 200 ? res.body!.getReader() : null;
	const decoder = new TextDecoder();
	const pump = (async () => {
		try {
			for (;;) {
				const { done, value } = await reader!.read();
				if (done) return;
				text += decoder.decode(value, { stream: true });
			}
		} catch {
			/* aborted */
		}
	})();
	return {
		status: res.status,
		async until(marker: string, timeoutMs: number): Promise<string> {
			const end = Date.now() + timeoutMs;
			while (reader && !text.includes(marker) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
			return text;
		},
		close() {
			abort.abort();
			void pump;
			if (!reader) void res.body?.cancel().catch(() => {});
		}
	};
}
