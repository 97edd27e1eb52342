// `gridatlas simulate-cases --rate N [--duration S] [--url http://127.0.0.1:3000]`: posts realistic
// cases (geo/cases/simulator: hotspots around real buildings, a daily rhythm, category mix, workflow
// progress) through the real HTTP API, in one batch per tick. For demos and load tests.
import { UsageError } from './usage-error';
import { parseArgs } from 'node:util';
import { CaseSimulator, casesForTick, rhythm, rng, type Anchor } from '$geo/cases/simulator';

export class SimulateUsageError extends UsageError {}

export const SIMULATE_USAGE = `  gridatlas simulate-cases --rate <cases/s> [--duration <s>] [--url http://127.0.0.1:3000]
                   [--tick <ms>] [--seed 1] [--speedup 60] [--no-rhythm] [--token <api token>]
                              post realistic cases through the running app's API (hotspots around real
                              buildings, workflow steps speeded up ×60); --rate is the daily mean: the
                              daily rhythm (Beijing time) posts ≈ ×0.1 of it at night and ≈ ×1.8 at the
                              morning peak; --no-rhythm posts exactly --rate all day;
                              the token (or GRIDATLAS_TOKEN) from \`gridatlas token add --kind api\``;

export interface SimulateArgs {
	rate: number;
	durationS: number | null;
	url: string;
	tickMs: number;
	seed: number;
	speedup: number;
	rhythm: boolean;
	/** API token (kind api) sent as a bearer token. */
	token: string | null;
}

export function parseSimulateArgs(args: string[]): SimulateArgs {
	let values: Record<string, string | boolean | undefined>;
	try {
		({ values } = parseArgs({
			args,
			options: {
				rate: { type: 'string' },
				duration: { type: 'string' },
				url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
				tick: { type: 'string', default: '1000' },
				seed: { type: 'string', default: String(Date.now() % 100000) },
				speedup: { type: 'string', default: '60' },
				'no-rhythm': { type: 'boolean', default: false },
				token: { type: 'string' }
			}
		}));
	} catch (err) {
		throw new SimulateUsageError((err as Error).message);
	}
	const num = (flag: string, min: number, text = values[flag] as string | undefined) => {
		const n = Number(text);
		if (text === undefined || !Number.isFinite(n) || n < min)
			throw new SimulateUsageError(`--${flag} 应为 ≥ ${min} 的数 / --${flag} must be a number ≥ ${min}`);
		return n;
	};
	if (values.rate === undefined) throw new SimulateUsageError('需要 --rate（每秒案件数）/ --rate (cases per second) is required');
	let url: URL;
	try {
		url = new URL(values.url as string);
	} catch {
		throw new SimulateUsageError(`--url 无效 / bad --url: ${values.url}`);
	}
	return {
		rate: num('rate', 0.001),
		durationS: values.duration === undefined ? null : num('duration', 0.1),
		url: url.origin,
		tickMs: num('tick', 50),
		seed: num('seed', 0),
		speedup: num('speedup', 1),
		rhythm: !values['no-rhythm'],
		token: (values.token as string | undefined) ?? process.env.GRIDATLAS_TOKEN ?? null
	};
}

const NEED_TOKEN =
	'需要接口令牌：用 `gridatlas token add --name 模拟器 --kind api` 生成，再以 --token 或 GRIDATLAS_TOKEN 传入 / an API token is needed: create one with `gridatlas token add --name simulator --kind api` and pass it with --token or GRIDATLAS_TOKEN';

/** Building interior points (households as weight) from the app; grids or communities if no buildings. */
export async function loadAnchors(base: string, headers: Record<string, string> = {}): Promise<Anchor[]> {
	for (const layer of ['buildings', 'grids', 'communities']) {
		const res = await fetch(`${base}/api/layers/${layer}?labels=1`, { headers });
		if (res.status === 401 || res.status === 403) throw new Error(`${res.status}: ${NEED_TOKEN}`);
		if (!res.ok) throw new Error(`GET /api/layers/${layer} → ${res.status} ${await res.text()}`);
		const fc = (await res.json()) as { features: { geometry: { type: string; coordinates: number[] } | null; properties: { households?: number } }[] };
		const anchors = fc.features
			.filter((f) => f.geometry?.type === 'Point')
			.map((f) => ({ lon: f.geometry!.coordinates[0], lat: f.geometry!.coordinates[1], weight: Number(f.properties?.households) || 1 }));
		if (anchors.length) return anchors.length > 50_000 ? anchors.filter((_, i) => i % Math.ceil(anchors.length / 50_000) === 0) : anchors;
	}
	throw new Error('应用中没有建筑、网格或社区，无法放置案件 / the app has no buildings, grids or communities to place cases around');
}

/**
 * What --rate means for this run, said at the start: with the daily rhythm it is the mean over the
 * day, and at 3 a.m. a "--rate 5" posts ≈ 0.6 cases/s — which looked like a bug without this line.
 */
export function rateLine(args: Pick<SimulateArgs, 'rate' | 'rhythm'>, now: Date): string {
	if (!args.rhythm) return `${args.rate} cases/s (steady, --no-rhythm)`;
	const factor = rhythm(now);
	const rate = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2).replace(/\.?0+$/, ''));
	return `${args.rate} cases/s daily mean; now ×${factor.toFixed(2)} (Beijing time) ≈ ${rate(args.rate * factor)}/s — --no-rhythm for a steady ${args.rate}/s`;
}

export async function runSimulateCases(args: SimulateArgs, log: (s: string) => void = (s) => console.log(s)): Promise<number> {
	const health = await fetch(`${args.url}/api/health`).catch((err) => {
		throw new Error(`无法连接 ${args.url} / cannot reach ${args.url}: ${(err as Error).message}`);
	});
	if (!health.ok) throw new Error(`${args.url}/api/health → ${health.status} (starting? try again in a moment)`);
	const auth: Record<string, string> = args.token ? { authorization: `Bearer ${args.token}` } : {};
	const anchors = await loadAnchors(args.url, auth);
	const runId = `SIM-${Date.now().toString(36)}`;
	const sim = new CaseSimulator({ anchors, seed: args.seed, runId, speedup: args.speedup });
	const random = rng(args.seed + 1);
	log(`simulate-cases: ${anchors.length} anchors, ${rateLine(args, new Date())}, run ${runId} → ${args.url}/api/cases`);
	const totals = { posted: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, requests: 0, ms: 0 };
	const started = Date.now();
	const end = args.durationS === null ? Infinity : started + args.durationS * 1000;
	let stop = false;
	const onSigint = () => (stop = true);
	process.once('SIGINT', onSigint);
	let lastLog = started;
	try {
		for (let tick = 1; !stop && Date.now() < end; tick++) {
			const t = new Date();
			const n = casesForTick(args.rate, args.tickMs / 1000, t, random, args.rhythm);
			const batch: object[] = sim.progress(t);
			for (let i = 0; i < n; i++) batch.push(sim.newCase(t));
			if (batch.length) {
				const t0 = performance.now();
				const res = await fetch(`${args.url}/api/cases`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', ...auth },
					body: JSON.stringify(batch)
				});
				const body = (await res.json()) as Record<string, number>;
				totals.ms += performance.now() - t0;
				totals.requests++;
				totals.posted += batch.length;
				if (res.status >= 500) throw new Error(`POST /api/cases → ${res.status}: ${JSON.stringify(body)}`);
				for (const k of ['inserted', 'updated', 'unchanged', 'rejected'] as const) totals[k] += body[k] ?? 0;
			}
			if (Date.now() - lastLog >= 5000) {
				lastLog = Date.now();
				log(
					`  ${Math.round((Date.now() - started) / 1000)} s: ${totals.inserted} new, ${totals.updated} steps, ${totals.rejected} rejected, ${sim.openCount} open, ${(totals.ms / Math.max(totals.requests, 1)).toFixed(1)} ms/POST`
				);
			}
			const wait = started + tick * args.tickMs - Date.now();
			if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, end - Date.now())));
		}
	} finally {
		process.off('SIGINT', onSigint);
	}
	log(
		`done: ${totals.posted} items in ${totals.requests} POSTs — ${totals.inserted} new cases, ${totals.updated} status steps, ${totals.unchanged} unchanged, ${totals.rejected} rejected`
	);
	return totals.rejected ? 1 : 0;
}
