// The planted city of the jurisdiction tests (tests/security/jurisdiction-*.test.ts), over HTTP against
// the production build. Known cases are planted in the readers' grid and in every sibling (another grid
// of its community, another community of its subdistrict, another subdistrict, outside every unit),
// each with a photo; readers scoped to one grid, one community or one subdistrict are signed in (users,
// a wall token, an API token).
import { afterAll, beforeAll, expect } from 'vitest';
import { ensureBuild, startApp, type AppServer } from '../../browser/helpers/app-server';
import type { Ctx } from './probes';

export type Level = 'grid' | 'community' | 'subdistrict';
/** Where cases are planted: the readers' own grid (inside every reader), then its siblings. */
export const PLACES = ['own', 'sibgrid', 'sibcomm', 'sibsub', 'nowhere'] as const;
export type Place = (typeof PLACES)[number];
export const FOREIGN: Record<Level, Place[]> = {
	grid: ['sibgrid', 'sibcomm', 'sibsub', 'nowhere'],
	community: ['sibcomm', 'sibsub', 'nowhere'],
	subdistrict: ['sibsub', 'nowhere']
};
// Distinctive enough that no other text of an answer contains them.
export const caseId = (place: Place, n: number) => `JUR-${place}-${n}`;
export const description = (place: Place, n: number) => `DESC-${place}-${n} 机密`;
export const markers = (level: Level) => FOREIGN[level].flatMap((p) => [`JUR-${p}-`, `DESC-${p}-`]);
/** A photo of each place's first case; its bytes hold the case's markers (a JPEG by its signature). */
export const photoId = (place: Place) => `photo-${place}-0001`;
const photoBytes = (place: Place) =>
	new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode(` ${caseId(place, 1)} ${description(place, 1)} `), 0xff, 0xd9]);

export interface Reader {
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

// Timestamps (the wall's "at", the page clock) change between calls without any case changing.
export const steady = (text: string) => text.replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?/g, 'T');

export interface JurisdictionCity {
	app: AppServer;
	ctx: Ctx;
	/** The readers, signed in (a cookie or a token each). */
	readers: Reader[];
	/** How many cases have been planted at each place so far. */
	planted: Record<Place, number>;
	/** A reader's GET: its status (a page data redirect as 303) and its text (binary as latin1). */
	get(reader: Reader, path: string): Promise<{ status: number; text: string }>;
	/** `count` more cases at each place (the admin reports them), the first of each moved one step (an audit row). */
	plant(places: Place[], count: number): Promise<void>;
	/** The foreign markers a reader finds in an answer (less the case id the request named). */
	leaks(reader: Reader, path: string, text: string, echo?: string): string[];
}

/**
 * The planted city, set up before the tests of the calling describe block (a production server with the
 * demo, three cases at each place, the readers) and stopped after them.
 */
export function plantedCity(): JurisdictionCity {
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

	return {
		get app() {
			return app;
		},
		get ctx() {
			return ctx;
		},
		readers,
		planted,
		get,
		plant,
		leaks
	};
}

/** The case stream from the first event on, read in the background. */
export async function openStream(base: string, headers: Record<string, string>) {
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
