// The case API and live stream against the production build (adapter-node, embedded engine):
// POST/PATCH/GET answers, and SSE resume across a forced disconnect — nothing lost, nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild, startApp, type AppServer } from './browser/helpers/app-server';
import { runSimulateCases } from '../src/cli/simulate-cases';

let app: AppServer;

const box = (x0: number, y0: number, x1: number, y1: number) => ({
	type: 'Polygon',
	coordinates: [
		[
			[x0, y0],
			[x1, y0],
			[x1, y1],
			[x0, y1],
			[x0, y0]
		]
	]
});
const fc = (features: { geometry: object; properties: object }[]) =>
	JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) });

/** A tiny city through the upload page: 1 subdistrict, 2 communities, 2 grids, 20 buildings. */
async function uploadCity() {
	const layers: [string, string][] = [
		['subdistricts', fc([{ geometry: box(118.77, 32.03, 118.81, 32.06), properties: { code: '320102001', name: '测试街道' } }])],
		[
			'communities',
			fc([
				{ geometry: box(118.77, 32.03, 118.79, 32.06), properties: { code: '320102001001', name: '东社区', households: 800 } },
				{ geometry: box(118.79, 32.03, 118.81, 32.06), properties: { code: '320102001002', name: '西社区', households: 600 } }
			])
		],
		[
			'grids',
			fc([
				{ geometry: box(118.77, 32.03, 118.79, 32.06), properties: { code: '320102001001001', name: '网格一' } },
				{ geometry: box(118.79, 32.03, 118.81, 32.06), properties: { code: '320102001002001', name: '网格二' } }
			])
		],
		[
			'buildings',
			fc(
				Array.from({ length: 20 }, (_, i) => ({
					geometry: box(118.772 + (i % 10) * 0.003, 32.035 + Math.floor(i / 10) * 0.01, 118.7725 + (i % 10) * 0.003, 32.0355 + Math.floor(i / 10) * 0.01),
					properties: { id: `b${i}`, levels: 6 }
				}))
			)
		]
	];
	for (const [layer, text] of layers) {
		const form = new FormData();
		form.set('layer', layer);
		form.set('file', new File([text], `${layer}.geojson`));
		const res = await app.fetch(`${app.url}/import`, { method: 'POST', body: form, headers: { 'x-sveltekit-action': 'true' } });
		const body = await res.text();
		if (!res.ok || !body.includes('"success"')) throw new Error(`upload ${layer}: ${res.status} ${body.slice(0, 500)}`);
	}
}

beforeAll(async () => {
	ensureBuild();
	app = await startApp({ demo: false, env: { GRIDATLAS_SSE_HEARTBEAT_MS: '300' } });
	await uploadCity();
}, 300_000);
afterAll(async () => {
	await app?.stop();
});

const post = (body: unknown, query = '') =>
	app.fetch(`${app.url}/api/cases${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const cases = (prefix: string, n: number) =>
	Array.from({ length: n }, (_, i) => ({
		id: `${prefix}-${i}`,
		category: 'environment',
		lon: 118.78 + i / 1e4,
		lat: 32.04,
		description: '<script>x</script>'
	}));

interface SseClient {
	ids: number[];
	comments: string[];
	data: unknown[];
	waitFor(n: number, ms?: number): Promise<void>;
	close(): void;
}

async function connect(lastEventId?: number): Promise<SseClient> {
	const ctrl = new AbortController();
	const res = await app.fetch(`${app.url}/api/cases/stream`, {
		headers: lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) },
		signal: ctrl.signal
	});
	expect(res.status).toBe(200);
	expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
	const client: SseClient = {
		ids: [],
		comments: [],
		data: [],
		async waitFor(n, ms = 10_000) {
			const end = Date.now() + ms;
			while (client.ids.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
			if (client.ids.length < n) throw new Error(`waited for ${n} events, got ${client.ids.length}`);
		},
		close: () => ctrl.abort()
	};
	const decoder = new TextDecoder();
	let buf = '';
	(async () => {
		try {
			for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
				buf += decoder.decode(chunk, { stream: true });
				let k;
				while ((k = buf.indexOf('\n\n')) >= 0) {
					const frame = buf.slice(0, k);
					buf = buf.slice(k + 2);
					for (const line of frame.split('\n')) {
						if (line.startsWith(':')) client.comments.push(line);
						else if (line.startsWith('id: ')) client.ids.push(Number(line.slice(4)));
						else if (line.startsWith('data: ')) client.data.push(JSON.parse(line.slice(6)));
					}
				}
			}
		} catch {
			/* aborted */
		}
	})();
	return client;
}

describe('POST/PATCH/GET /api/cases', () => {
	it('answers counts and per-item errors; a re-send is a no-op', async () => {
		const res = await post([...cases('P', 3), { id: 'P-bad', category: 'environment', lon: 999, lat: 32 }]);
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body).toMatchObject({ received: 4, inserted: 3, rejected: 1 });
		expect(body.errors[0]).toMatchObject({ index: 3, id: 'P-bad', field: 'location' });
		expect(body.message).toMatch(/stored/);
		const again = await (await post(cases('P', 3))).json();
		expect(again).toMatchObject({ inserted: 0, unchanged: 3 });
		const one = await (await app.fetch(`${app.url}/api/cases/P-0`)).json();
		expect(one).toMatchObject({
			id: 'P-0',
			outside_jurisdiction: false,
			community_code: '320102001001',
			grid_code: '320102001001001',
			description: '<script>x</script>'
		});
		// Outside every community: kept and flagged.
		await post({ id: 'FAR', category: 'other', lon: 119.5, lat: 33 });
		expect(await (await app.fetch(`${app.url}/api/cases/FAR`)).json()).toMatchObject({ outside_jurisdiction: true, community_code: null, grid_code: null });
	});
	it('declared GCJ-02 coordinates are stored as WGS-84', async () => {
		await post(
			{
				type: 'FeatureCollection',
				features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [118.79, 32.04] }, properties: { id: 'GCJ-1', category: 'dispute' } }]
			},
			'?crs=gcj02'
		);
		const one = await (await app.fetch(`${app.url}/api/cases/GCJ-1`)).json();
		expect(one.lon).toBeLessThan(118.79);
		expect((await post({ id: 'X', category: 'dispute', lon: 1, lat: 1 }, '?crs=mars')).status).toBe(400);
	});
	it('PATCH moves the status; backwards → 409; unknown → 404; bad JSON → 400', async () => {
		const patch = (id: string, body: unknown) =>
			app.fetch(`${app.url}/api/cases/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const ok = await patch('P-1', { status: 'dispatched' });
		expect(ok.status).toBe(200);
		expect((await ok.json()).case.status).toBe('dispatched');
		const back = await patch('P-1', { status: 'registered' });
		expect(back.status).toBe(409);
		expect(await back.json()).toMatchObject({ code: 'status_backwards', errors: [{ field: 'status' }] });
		expect((await patch('nope', { status: 'closed' })).status).toBe(404);
		const bad = await app.fetch(`${app.url}/api/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
		expect(bad.status).toBe(400);
		expect((await bad.json()).code).toBe('bad_json');
		const all = await (await app.fetch(`${app.url}/api/cases?limit=2`)).json();
		expect(all.cases).toHaveLength(2);
	});
});

describe('GET /api/cases/stream', () => {
	it('resumes across a forced disconnect with no loss and no duplicates', async () => {
		const a = await connect();
		await new Promise((r) => setTimeout(r, 100));
		const b1 = await (await post(cases('S1', 40))).json();
		await a.waitFor(10);
		a.close(); // forced disconnect, possibly mid-batch
		const seen = [...a.ids];
		const lastSeen = seen[seen.length - 1];
		// While disconnected: a new batch and status steps.
		const b2 = await (await post(cases('S2', 25))).json();
		const b3 = await (await post(Array.from({ length: 5 }, (_, i) => ({ id: `S1-${i}`, status: 'registered' })))).json();
		expect(b3.updated).toBe(5);
		const b = await connect(lastSeen);
		const b4 = await (await post(cases('S3', 15))).json();
		const total = b4.lastEventId - b1.lastEventId + 40;
		await b.waitFor(total - seen.length);
		await new Promise((r) => setTimeout(r, 300));
		b.close();
		const all = [...seen, ...b.ids];
		expect(new Set(all).size).toBe(all.length); // nothing twice
		const first = b1.lastEventId - 39;
		expect(all).toEqual(Array.from({ length: b4.lastEventId - first + 1 }, (_, i) => first + i)); // nothing lost, in order
		expect(b2.lastEventId).toBeLessThan(b4.lastEventId);
		const kinds = (b.data as { kind: string; case: { id: string } }[]).map((d) => d.kind);
		expect(kinds.filter((k) => k === 'status')).toHaveLength(5);
		expect(b.comments.some((c) => c.startsWith(': heartbeat'))).toBe(true);
	});
	it('?lastEventId= works like the header; a bad id is refused', async () => {
		const res = await app.fetch(`${app.url}/api/cases/stream?lastEventId=abc`);
		expect(res.status).toBe(400);
		const c = await connect(0);
		await c.waitFor(10);
		c.close();
		expect(c.ids.slice(0, 3)).toEqual([1, 2, 3]);
	});
});

describe('gridatlas simulate-cases', () => {
	it('posts realistic cases through the API; the stream carries them', async () => {
		const client = await connect();
		const lines: string[] = [];
		// Without a token the app refuses, and the simulator says how to get one.
		await expect(
			runSimulateCases({ rate: 40, durationS: 1, url: app.url, tickMs: 250, seed: 5, speedup: 3000, rhythm: false, token: null }, () => {})
		).rejects.toThrow(/token add/);
		const { token } = await (
			await app.fetch(`${app.url}/api/tokens`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'simulator', kind: 'api' })
			})
		).json();
		const code = await runSimulateCases({ rate: 40, durationS: 2.5, url: app.url, tickMs: 250, seed: 5, speedup: 3000, rhythm: false, token }, (s) =>
			lines.push(s)
		);
		expect(code).toBe(0);
		expect(lines.at(-1)).toMatch(/done: \d+ items/);
		const inserted = Number(/(\d+) new cases/.exec(lines.at(-1)!)![1]);
		expect(inserted).toBeGreaterThan(60);
		await client.waitFor(inserted);
		client.close();
		const recent = (await (await app.fetch(`${app.url}/api/cases?limit=5000`)).json()).cases.filter((c: { id: string }) => c.id.startsWith('SIM-'));
		expect(recent.length).toBe(inserted);
		// Hotspots around the uploaded buildings: nearly all inside the city.
		expect(recent.filter((c: { grid_code: string | null }) => c.grid_code).length / recent.length).toBeGreaterThan(0.8);
		expect(new Set(recent.map((c: { category: string }) => c.category)).size).toBeGreaterThan(3);
		expect(recent.some((c: { status: string }) => c.status !== 'reported')).toBe(true);
	});
});
