// npm run bench -- stall [--smoke] [--import-mb N]
// Does one heavy request freeze the server? (issue 16, finding 2.) Against the production server
// (embedded engine), the heaviest request of each kind that the limits allow is sent while two probes
// ask, one after another, for /api/health and for a cached vector tile; their p99 latency during each
// request is the figure. Kinds: plan save (grids at the vertex limit per request), rebalance by a
// viewer through propose (same grids), plan import (same grids as a file), data import (a buildings
// GeoJSON of --import-mb MB, dry run), coverage recompute. The naive method — the same plan save
// computed on the request thread (GRIDATLAS_JOB_WORKERS=0, as before the job pool) — runs in the same
// bench for comparison. Goal: health and tile p99 ≤ 100 ms while any of them runs.
// --smoke: a tiny city and smaller inputs (seconds; run by tests/benches/stall.test.ts).
// Ends with RESULT {json}: health_p99_ms, tile_p99_ms (worst over the kinds), heaviest_request, and
// per kind its status, duration and p99s, and the naive figures.
import { startApp, type AppServer } from '../../tests/browser/helpers/app-server';
import { sessionCookie } from '../../tests/browser/helpers/session';
import { COMMUNITY, postImport, postPlanImport, uploadTinyCity } from '../../tests/security/upload-client';
import { PLAN_VERTEX_LIMITS, PLAN_VERTICES_PER_REQUEST } from '$geo/validate/limits';

const smoke = process.argv.includes('--smoke');
const importMbArg = process.argv.indexOf('--import-mb');
const IMPORT_MB = importMbArg > 0 ? Number(process.argv[importMbArg + 1]) : smoke ? 2 : 100;
const GOAL_MS = 100;
/** --kind <text>: only the kinds whose name contains it (and idle); the naive comparison needs "plan save". */
const kindArg = process.argv.indexOf('--kind');
const ONLY_KIND = kindArg > 0 ? process.argv[kindArg + 1] : null;

type Box = [number, number, number, number];

/** Vertical strips across the box, each ring with `perGrid` positions (its south side cut finely). */
function denseGrids(community: string, box: Box, count: number, perGrid: number) {
	const [x0, y0, x1, y1] = box;
	return Array.from({ length: count }, (_, i) => {
		const a = x0 + ((x1 - x0) * i) / count,
			b = x0 + ((x1 - x0) * (i + 1)) / count;
		const south = Array.from({ length: perGrid - 4 }, (_, k) => [a + ((b - a) * k) / (perGrid - 4), y0]);
		return {
			code: `${community}${String(i + 1).padStart(3, '0')}`,
			kind: 'basic',
			geometry: { type: 'Polygon', coordinates: [[...south, [b, y0], [b, y1], [a, y1], [a, y0]]] }
		};
	});
}

/** A buildings GeoJSON of about `mb` MB: small squares on a lattice inside the box. */
function buildingsFile(box: Box, mb: number): Uint8Array {
	const [x0, y0, x1, y1] = box;
	const perFeature = 260; // bytes, about
	const n = Math.max(1, Math.round((mb * 1024 * 1024) / perFeature));
	const side = Math.ceil(Math.sqrt(n));
	const parts: string[] = [];
	for (let i = 0; i < n; i++) {
		const x = x0 + ((x1 - x0) * ((i % side) + 0.5)) / side,
			y = y0 + ((y1 - y0) * (Math.floor(i / side) + 0.5)) / side;
		const d = 0.2 * Math.min((x1 - x0) / side, (y1 - y0) / side);
		const r = (v: number) => v.toFixed(7);
		parts.push(
			`{"type":"Feature","properties":{"id":"stall-${i}","levels":6},"geometry":{"type":"Polygon","coordinates":[[[${r(x - d)},${r(y - d)}],[${r(x + d)},${r(y - d)}],[${r(x + d)},${r(y + d)}],[${r(x - d)},${r(y + d)}],[${r(x - d)},${r(y - d)}]]]}}`
		);
	}
	return new TextEncoder().encode(`{"type":"FeatureCollection","features":[${parts.join(',')}]}`);
}

function p99(xs: number[]): number {
	if (!xs.length) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)];
}

/** Asks for `url` again and again until stopped; the latency of each answer. */
function probe(url: string, headers: Record<string, string>) {
	const times: number[] = [];
	let failures = 0;
	let running = true;
	const loop = (async () => {
		while (running) {
			const t = performance.now();
			try {
				const res = await fetch(url, { headers });
				await res.arrayBuffer();
				if (!res.ok) failures++;
			} catch {
				failures++;
			}
			times.push(performance.now() - t);
			await new Promise((r) => setTimeout(r, 20));
		}
	})();
	return {
		async stop() {
			running = false;
			await loop;
			return { p99: p99(times), samples: times.length, failures };
		}
	};
}

interface Measured {
	status: number;
	ms: number;
	health_p99_ms: number;
	tile_p99_ms: number;
	samples: number;
}

async function during(app: AppServer, tileUrl: string, send: () => Promise<number>): Promise<Measured> {
	const health = probe(`${app.url}/api/health`, {});
	const tile = probe(tileUrl, {});
	await new Promise((r) => setTimeout(r, 200));
	const t = performance.now();
	const status = await send();
	const ms = performance.now() - t;
	const [h, ti] = [await health.stop(), await tile.stop()];
	return { status, ms: Math.round(ms), health_p99_ms: Math.round(h.p99), tile_p99_ms: Math.round(ti.p99), samples: h.samples + ti.samples };
}

async function post(url: string, cookie: string, origin: string, body: unknown): Promise<number> {
	const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { cookie, origin, 'content-type': 'application/json' } });
	await res.arrayBuffer();
	return res.status;
}

async function cityBox(app: AppServer, code: string): Promise<Box> {
	const fc = (await (await app.fetch(`${app.url}/api/layers/communities`)).json()) as {
		features: { properties: { code: string }; geometry: { coordinates: number[][][] | number[][][][] } }[];
	};
	const f = fc.features.find((x) => x.properties.code === code) ?? fc.features[0];
	const flat = (f.geometry.coordinates as unknown[]).flat(3) as number[];
	const xs = flat.filter((_, i) => i % 2 === 0),
		ys = flat.filter((_, i) => i % 2 === 1);
	return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** A tile of the communities layer over the box, asked for once so the probes get the cached one. */
async function cachedTile(app: AppServer, box: Box): Promise<string> {
	const z = 14;
	const lon = (box[0] + box[2]) / 2,
		lat = (box[1] + box[3]) / 2;
	const x = Math.floor(((lon + 180) / 360) * 2 ** z);
	const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
	const url = `${app.url}/tiles/communities/${z}/${x}/${y}.pbf`;
	for (let i = 0; i < 2; i++) await (await fetch(url)).arrayBuffer();
	return url;
}

async function run(inline: boolean) {
	const app = await startApp({ demo: !smoke, timeoutMs: 600_000, env: inline ? { GRIDATLAS_JOB_WORKERS: '0' } : {} });
	try {
		const admin = await sessionCookie(app.url, 'admin');
		const planner = await sessionCookie(app.url, 'planner');
		const viewer = await sessionCookie(app.url, 'viewer');
		let community = COMMUNITY;
		if (smoke) await uploadTinyCity(app.url, admin);
		else {
			const fc = (await (await app.fetch(`${app.url}/api/layers/communities`)).json()) as { features: { properties: { code: string } }[] };
			community = fc.features[0].properties.code;
		}
		const box = await cityBox(app, community);
		const tileUrl = await cachedTile(app, box);
		// The heaviest plan the limits allow: as many grids at the per-ring limit as the request limit holds.
		const perGrid = smoke ? 2_000 : PLAN_VERTEX_LIMITS.perRing - 1;
		const count = smoke ? 5 : Math.floor(PLAN_VERTICES_PER_REQUEST / perGrid);
		const grids = denseGrids(community, box, count, perGrid);
		const vertices = count * perGrid;
		const plans = `${app.url}/api/plans/${community}`;
		const kinds: [string, () => Promise<number>][] = [
			['idle', async () => (await new Promise((r) => setTimeout(r, smoke ? 1000 : 3000)), 200)],
			[`plan save (${vertices.toLocaleString('en-US')} vertices)`, () => post(plans, planner, app.url, { grids, status: 'draft', baseRevision: null })]
		];
		if (!inline)
			kinds.push(
				[`rebalance by a viewer (${vertices.toLocaleString('en-US')} vertices)`, () => post(`${plans}/propose`, viewer, app.url, { mode: 'rebalance', grids })],
				[`propose by a viewer`, () => post(`${plans}/propose`, viewer, app.url, {})],
				[
					`plan import (${vertices.toLocaleString('en-US')} vertices)`,
					async () =>
						(
							await postPlanImport(
								app.url,
								planner,
								'dense.geojson',
								new TextEncoder().encode(
									JSON.stringify({
										type: 'FeatureCollection',
										features: grids.map((g) => ({ type: 'Feature', properties: { code: g.code }, geometry: g.geometry }))
									})
								),
								community
							)
						).status
				],
				[
					`data import (${IMPORT_MB} MB GeoJSON, dry run)`,
					async () => (await postImport(app.url, admin, 'stall-buildings.geojson', buildingsFile(box, IMPORT_MB), 'buildings', true)).status
				],
				[
					`coverage recompute`,
					async () => {
						// A facility change makes the coverage stale; the next report recomputes it.
						await postImport(
							app.url,
							admin,
							'stall-school.geojson',
							new TextEncoder().encode(
								JSON.stringify({
									type: 'FeatureCollection',
									features: [
										{
											type: 'Feature',
											properties: { id: `stall-school-${Date.now()}`, category: 'school', name: '测试学校' },
											geometry: { type: 'Point', coordinates: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2] }
										}
									]
								})
							),
							'facilities'
						);
						const res = await app.fetch(`${app.url}/api/coverage`);
						await res.arrayBuffer();
						return res.status;
					}
				]
			);
		const results: Record<string, Measured> = {};
		for (const [name, send] of kinds) {
			if (ONLY_KIND && name !== 'idle' && !name.includes(ONLY_KIND)) continue;
			const m = await during(app, tileUrl, send);
			results[name] = m;
			console.log(
				`${(inline ? '[naive] ' : '') + name}`.padEnd(52) +
					`${String(m.status).padStart(4)} ${`${m.ms} ms`.padStart(10)}   health p99 ${`${m.health_p99_ms} ms`.padStart(8)}   tile p99 ${`${m.tile_p99_ms} ms`.padStart(8)}   (${m.samples} probes)`
			);
		}
		return results;
	} finally {
		await app.stop();
	}
}

async function main() {
	console.log(`stall bench (${smoke ? 'smoke' : 'full'}): probes of /api/health and a cached tile while each heavy request runs; goal p99 ≤ ${GOAL_MS} ms\n`);
	const pooled = await run(false);
	console.log('');
	const naive = !ONLY_KIND || 'plan save'.includes(ONLY_KIND) ? await run(true) : {};
	const heavy = Object.entries(pooled).filter(([k]) => k !== 'idle');
	const worst = (key: 'health_p99_ms' | 'tile_p99_ms') => Math.max(...heavy.map(([, m]) => m[key]));
	const [heaviestName, heaviest] = heavy.reduce((a, b) => (b[1].ms > a[1].ms ? b : a));
	const naiveSave = Object.entries(naive).find(([k]) => k.startsWith('plan save'))?.[1];
	const pooledSave = Object.entries(pooled).find(([k]) => k.startsWith('plan save'))?.[1];
	if (naiveSave && pooledSave)
		console.log(
			`\nplan save: health p99 ${pooledSave.health_p99_ms} ms with the job pool vs ${naiveSave.health_p99_ms} ms computed on the request thread (${(naiveSave.health_p99_ms / Math.max(1, pooledSave.health_p99_ms)).toFixed(1)}×)`
		);
	const met = worst('health_p99_ms') <= GOAL_MS && worst('tile_p99_ms') <= GOAL_MS;
	console.log(`goal (p99 ≤ ${GOAL_MS} ms during every heavy request): ${met ? 'met' : 'NOT met'}`);
	const result = {
		health_p99_ms: worst('health_p99_ms'),
		tile_p99_ms: worst('tile_p99_ms'),
		heaviest_request: { name: heaviestName, status: heaviest.status, ms: heaviest.ms },
		goal_met: met,
		naive_health_p99_ms: naiveSave?.health_p99_ms ?? null,
		naive_tile_p99_ms: naiveSave?.tile_p99_ms ?? null,
		kinds: pooled,
		smoke
	};
	console.log(`RESULT ${JSON.stringify(result)}`);
}

await main();
