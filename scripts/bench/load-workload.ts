// The mixed workload of `npm run bench -- load` against one running app (any number of processes
// behind one port): map users (tiles, unit facts, search, a unit's outline), wall screens (the case
// stream and /api/wall after new cases), planners (open a plan, save a draft the server validates),
// coverage readers, and case ingest at a fixed rate. Every actor loops until the deadline; every
// answer is timed by kind, and anything but a 2xx/304 (or a dropped stream) counts as an error.
import http from 'node:http';
import { tilesCovering } from '$geo/tiles';
import { mulberry32 } from '$geo/synth';
import { onCaseFrames } from './sse';

export interface Sizes {
	mapUsers: number;
	walls: number;
	planners: number;
	coverageReaders: number;
	casesPerS: number;
	/** Cases per POST (a feed's batch; 1: every case on its own, as a grid worker's app sends them). */
	casesPerPost: number;
	/** A map user's pause between two views, ms (0: as fast as the server answers). */
	thinkMs: [number, number];
}

export interface CityFacts {
	/** Points to look at, with the grid/community there (codes for unit facts, search and outlines). */
	views: { lon: number; lat: number; grid: string; community: string; name: string }[];
	/** Communities a planner each works on (one each, so their saves never conflict). */
	planCommunities: string[];
	subdistricts: string[];
	rules: string[];
}

export type Kind = 'tile' | 'api' | 'write' | 'ingest';

export class Stats {
	ms: Record<Kind, number[]> = { tile: [], api: [], write: [], ingest: [] };
	wallMs: number[] = [];
	errors: string[] = [];
	streamsOpen = 0;
	add(kind: Kind, ms: number) {
		this.ms[kind].push(ms);
	}
	error(what: string) {
		if (this.errors.length < 20) console.log(`    error: ${what}`);
		this.errors.push(what);
	}
}

export const quantile = (xs: number[], q: number) => {
	if (!xs.length) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

// Plain node:http with a keep-alive agent per actor, so each actor's connections land on whichever
// process the cluster hands them to, as browsers' would.
function request(
	agent: http.Agent,
	url: string,
	cookie: string,
	init: { method?: string; body?: string } = {},
	retry = true
): Promise<{ status: number; body: Buffer }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{ agent, method: init.method ?? 'GET', headers: { cookie, origin: new URL(url).origin, ...(init.body ? { 'content-type': 'application/json' } : {}) } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
				res.on('error', reject);
			}
		);
		// a kept-alive connection the server closed just as it was reused: send again, as browsers do
		req.on('error', (err: NodeJS.ErrnoException) => {
			if (retry && req.reusedSocket && err.code === 'ECONNRESET') request(agent, url, cookie, init, false).then(resolve, reject);
			else reject(err);
		});
		req.end(init.body);
	});
}

/** GETs `path` `times` times, each on a new connection (so every process of a cluster gets some). */
export async function warm(base: string, path: string, cookie: string, times: number): Promise<void> {
	const agent = new http.Agent({ keepAlive: false });
	for (let i = 0; i < times; i++) await request(agent, `${base}${path}`, cookie);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Run {
	base: string;
	cookies: Record<'admin' | 'planner' | 'leader' | 'viewer', string>;
	sizes: Sizes;
	city: CityFacts;
	seconds: number;
	seed: number;
}

export async function runWorkload(run: Run, stats: Stats): Promise<{ requests: number; seconds: number }> {
	const deadline = performance.now() + run.seconds * 1000;
	const live = () => performance.now() < deadline;
	// a pause never runs past the end of the run
	const pause = (ms: number) => sleep(Math.max(0, Math.min(ms, deadline - performance.now())));
	let requests = 0;
	const timed = async (kind: Kind, agent: http.Agent, path: string, cookie: string, init?: { method?: string; body?: string }) => {
		const t0 = performance.now();
		try {
			const res = await request(agent, `${run.base}${path}`, cookie, init);
			const ms = performance.now() - t0;
			requests++;
			if (res.status >= 400) stats.error(`${init?.method ?? 'GET'} ${path} → ${res.status} ${res.body.toString('utf8', 0, 200)}`);
			else stats.add(kind, ms);
			return res;
		} catch (err) {
			stats.error(`${init?.method ?? 'GET'} ${path}: ${(err as Error).message}`);
			return null;
		}
	};
	const sent = new Map<string, number>();
	const actors: Promise<void>[] = [];

	// map users: a viewport of 3×2 tiles of four layers at z14–16 (six at a time, as a browser), then the
	// selected unit's facts and outline and a search, then a pause
	for (let u = 0; u < run.sizes.mapUsers; u++) {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
		const r = mulberry32(run.seed * 1000 + u);
		actors.push(
			(async () => {
				while (live()) {
					const v = run.city.views[Math.floor(r() * run.city.views.length)];
					const z = 14 + Math.floor(r() * 3);
					const t = tilesCovering([v.lon, v.lat, v.lon, v.lat], z);
					const paths: string[] = [];
					for (const layer of ['buildings', 'grids', 'grid_labels', 'communities']) {
						for (let dx = -1; dx <= 1; dx++) for (let dy = 0; dy <= 1; dy++) paths.push(`/tiles/${layer}/${z}/${t.x0 + dx}/${t.y0 + dy}.pbf`);
					}
					for (let i = 0; i < paths.length; i += 6) await Promise.all(paths.slice(i, i + 6).map((p) => timed('tile', agent, p, run.cookies.viewer)));
					await Promise.all([
						timed('api', agent, `/api/units/${r() < 0.5 ? v.grid : v.community}`, run.cookies.viewer),
						timed('api', agent, `/api/layers/grids?code=${v.grid}`, run.cookies.viewer),
						timed('api', agent, `/api/search?q=${encodeURIComponent(v.name.slice(0, 2))}`, run.cookies.viewer)
					]);
					const [lo, hi] = run.sizes.thinkMs;
					if (hi > 0) await pause(lo + r() * (hi - lo));
				}
				agent.destroy();
			})()
		);
	}

	// wall screens: the live stream (POST → here is timed per case), /api/wall at most every 2 s after news
	for (let w = 0; w < run.sizes.walls; w++) {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
		actors.push(
			(async () => {
				let dirty = true;
				const stream = http.get(`${run.base}/api/cases/stream`, { headers: { cookie: run.cookies.leader } }, (res) => {
					if (res.statusCode !== 200) stats.error(`stream → ${res.statusCode}`);
					stats.streamsOpen++;
					onCaseFrames(res, (id, now) => {
						const t0 = sent.get(id);
						if (t0) {
							stats.wallMs.push(now - t0);
							dirty = true;
						}
					});
					res.on('close', () => {
						stats.streamsOpen--;
						if (live()) stats.error('a wall stream closed early');
					});
				});
				stream.on('error', (err) => live() && stats.error(`stream: ${err.message}`));
				while (live()) {
					if (dirty) {
						dirty = false;
						await timed('api', agent, '/api/wall', run.cookies.leader);
					}
					await pause(2000);
				}
				stream.destroy();
				agent.destroy();
			})()
		);
	}

	// planners: open the plan, think, save it as a draft (validated by the server), think
	for (let p = 0; p < run.sizes.planners; p++) {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
		const community = run.city.planCommunities[p % run.city.planCommunities.length];
		actors.push(
			(async () => {
				await pause(p * 200);
				while (live()) {
					const res = await timed('api', agent, `/api/plans/${community}`, run.cookies.planner);
					if (!res || res.status !== 200) break;
					const plan = JSON.parse(res.body.toString('utf8')) as { grids: unknown[]; latestRevision: number | null };
					await pause(1000);
					if (!live()) break;
					const body = JSON.stringify({ grids: plan.grids, status: 'draft', note: 'bench', baseRevision: plan.latestRevision });
					await timed('write', agent, `/api/plans/${community}`, run.cookies.planner, { method: 'POST', body });
					await pause(2000);
				}
				agent.destroy();
			})()
		);
	}

	// coverage readers: one subdistrict's table and one cell, then a pause
	for (let c = 0; c < run.sizes.coverageReaders; c++) {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
		const r = mulberry32(run.seed * 77 + c);
		actors.push(
			(async () => {
				while (live()) {
					const sd = run.city.subdistricts[Math.floor(r() * run.city.subdistricts.length)];
					await timed('api', agent, `/api/coverage?subdistrict=${sd}`, run.cookies.viewer);
					const v = run.city.views[Math.floor(r() * run.city.views.length)];
					if (run.city.rules.length) {
						await timed('api', agent, `/api/coverage/cell?community=${v.community}&rule=${encodeURIComponent(run.city.rules[0])}`, run.cookies.viewer);
					}
					await pause(2000);
				}
				agent.destroy();
			})()
		);
	}

	// ingest at a fixed rate, casesPerPost cases a POST
	if (run.sizes.casesPerS > 0) {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
		const r = mulberry32(run.seed * 31);
		const per = run.sizes.casesPerPost;
		const every = (1000 * per) / run.sizes.casesPerS;
		actors.push(
			(async () => {
				let n = 0;
				const started = performance.now();
				const inflight: Promise<unknown>[] = [];
				while (live()) {
					const batch = Array.from({ length: per }, (_, k) => {
						const v = run.city.views[Math.floor(r() * run.city.views.length)];
						return {
							id: `load-${run.seed}-${n}-${k}`,
							category: 'environment',
							lon: v.lon + (r() - 0.5) * 1e-4,
							lat: v.lat + (r() - 0.5) * 1e-4,
							reported_at: new Date().toISOString()
						};
					});
					const body = JSON.stringify(batch);
					const at = performance.now();
					for (const c of batch) sent.set(c.id, at);
					inflight.push(timed('ingest', agent, '/api/cases', run.cookies.admin, { method: 'POST', body }));
					if (inflight.length > 200) await inflight.shift();
					n++;
					const next = started + n * every;
					await sleep(Math.max(0, next - performance.now()));
				}
				await Promise.all(inflight);
				agent.destroy();
			})()
		);
	}

	const t0 = performance.now();
	await Promise.all(actors);
	await sleep(300); // the last cases' deliveries
	return { requests, seconds: (performance.now() - t0) / 1000 };
}
