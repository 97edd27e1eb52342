// npm run bench -- partition — validation of a community on every edit, and auto-propose.
// Cases: 30 grids / 500 buildings (a typical community) and 100 grids / 5,000 buildings (the
// issue's target), each clean and after an edit (one vertex moved ~6 m: a gap or an overlap); propose for both.
// Ends with RESULT {"validate_ms", "propose_ms"} (the 100-grid case, as in the issue) and per-case keys.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, run by tests/benches.test.ts): the same cases, each
// validation timed twice instead of 20 / 10 times.
import type { Position } from 'geojson';
import { proposeGrids, validatePartition, type GridFeature } from './index';
import { syntheticCommunity } from './synthetic';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';

function time<T>(f: () => T, reps: number): { ms: number; out: T } {
	let out = f(); // warm-up
	const t = performance.now();
	for (let i = 0; i < reps; i++) out = f();
	return { ms: (performance.now() - t) / reps, out };
}

/** Move one vertex of a middle grid by ~6 m. */
function edit(grids: GridFeature[]): GridFeature[] {
	const g = grids[Math.floor(grids.length / 2)];
	const ring = (g.geometry.coordinates as Position[][])[0].map((p) => [...p]);
	ring[1] = [ring[1][0] + 0.00005, ring[1][1] + 0.00004];
	return grids.map((x) => (x === g ? { ...x, geometry: { type: 'Polygon', coordinates: [ring] } } : x));
}

const res: Record<string, number> = {};
for (const [cols, rows, nb, key] of [
	[6, 5, 500, '_30'],
	[10, 10, 5000, '_100']
] as const) {
	const { community, grids, buildings } = syntheticCommunity(cols, rows, nb, 400, 7);
	const clean = time(() => validatePartition(community, grids, buildings), SMOKE ? 2 : 20);
	const dirtyGrids = edit(grids);
	const dirty = time(() => validatePartition(community, dirtyGrids, buildings), SMOKE ? 2 : 10);
	const t = performance.now();
	const p = proposeGrids(community, buildings, { band: { min: 300, max: 500 } });
	const propose = performance.now() - t;
	const check = validatePartition(community, p.grids, buildings).filter((v) => v.kind !== 'band');
	console.log(
		`${grids.length} grids, ${nb} buildings: validate clean ${clean.ms.toFixed(2)} ms (${clean.out.length} violations, band only), ` +
			`after an edit ${dirty.ms.toFixed(2)} ms (${dirty.out.map((v) => v.kind).join(', ')}); ` +
			`propose ${propose.toFixed(0)} ms → ${p.grids.length} grids, ${p.stats.outsideBand} outside the band, ${p.moved} buildings moved, ${check.length} hard/soft violations`
	);
	res[`validate${key}_ms`] = +clean.ms.toFixed(2);
	res[`validate_dirty${key}_ms`] = +dirty.ms.toFixed(2);
	res[`propose${key}_ms`] = +propose.toFixed(0);
}
console.log('RESULT ' + JSON.stringify({ validate_ms: res.validate_100_ms, propose_ms: res.propose_100_ms, ...res }));
