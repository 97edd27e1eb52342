// npm run bench -- density — the overlay's analysis core on 1,000,000 synthetic cases (seeded:
// 30 days around Nanjing, hotspots + background, 6 categories) on one core:
// - encode: bytes per case of the binary columns (goal ≤ 16) and encode time;
// - selectWindow (last 7 days, all categories) + hexCounts at res 9: cold (each selected case's
//   H3 cell computed by h3-js, then cached) and warm (another window over known cases, as when
//   the time slider moves), plus k-suppression;
// - spikes over 100,000 grids: spikeCounts (today vs 28 days, one pass over the cases) + the
//   Poisson tests.
// Ends with RESULT {"bytes_per_case","encode_ms","hex_ms","hex_warm_ms","spikes_ms","cases","grids"}.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, run by tests/benches.test.ts): 20,000 cases over
// 1,000 grids; BENCH_CASES and BENCH_GRIDS override either size.
import { mulberry32 } from '../synth/prng';
import { encodeCases, decodeCases, makeDict, selectWindow, type CaseInput } from './columns';
import { hexCounts, suppress } from './hex';
import { spikeCounts, spikes } from './spikes';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const N = Number(process.env.BENCH_CASES) || (SMOKE ? 20_000 : 1_000_000);
const GRIDS = Number(process.env.BENCH_GRIDS) || (SMOKE ? 1_000 : 100_000);
const DAYS = 30;
const now = Date.parse('2025-03-10T18:00:00+08:00');
const log = (s: string) => console.log(s);
const time = <T>(f: () => T): [T, number] => {
	const t0 = performance.now();
	const r = f();
	return [r, performance.now() - t0];
};

const categories = ['dispute', 'safety_hazard', 'sanitation', 'livelihood', 'public_health', 'other'];
const statuses = ['reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated'];
const dict = makeDict(categories, statuses);

// ---------------------------------------------------------------- synthetic cases
const rng = mulberry32(20250310);
const gauss = () => {
	let u = 0;
	for (let i = 0; i < 6; i++) u += rng();
	return (u - 3) / Math.SQRT2;
};
const hotspots = Array.from({ length: 400 }, () => [118.6 + 0.4 * rng(), 31.9 + 0.3 * rng()]);
const cases: CaseInput[] = new Array(N);
const gridOf = new Uint32Array(N);
for (let i = 0; i < N; i++) {
	let lon, lat;
	if (rng() < 0.3) {
		lon = 118.6 + 0.4 * rng();
		lat = 31.9 + 0.3 * rng();
	} else {
		const h = hotspots[Math.floor(rng() * hotspots.length)];
		lon = h[0] + gauss() * 0.003;
		lat = h[1] + gauss() * 0.003;
	}
	const grid = Math.min(GRIDS - 1, Math.floor(((lon - 118.6) / 0.4) * 316) + 316 * Math.floor(((lat - 31.9) / 0.3) * 316)) >>> 0;
	gridOf[i] = grid % GRIDS;
	cases[i] = {
		lon,
		lat,
		reportedAt: now - Math.floor(rng() * DAYS * 86_400_000),
		category: categories[Math.floor(rng() * rng() * categories.length)],
		status: statuses[Math.floor(rng() * statuses.length)],
		gridIndex: gridOf[i] < 0xffff ? gridOf[i] : null
	};
}
log(`cases: ${N.toLocaleString('en')} over ${DAYS} days, ${GRIDS.toLocaleString('en')} grids`);

// ---------------------------------------------------------------- encode
const [buffer, encodeMs] = time(() => encodeCases(cases, dict));
const bytesPerCase = buffer.byteLength / N;
log(`encode: ${buffer.byteLength.toLocaleString('en')} bytes = ${bytesPerCase.toFixed(5)} bytes/case, ${encodeMs.toFixed(0)} ms`);
const c = decodeCases(buffer);

// ---------------------------------------------------------------- window + hexagons
const week = { from: now - 7 * 86_400_000, to: now + 1 };
const [[idx, counts], hexMs] = time(() => {
	const idx = selectWindow(c, week);
	return [idx, hexCounts(c, idx, 9)] as const;
});
log(
	`selectWindow (7 days: ${idx.length.toLocaleString('en')} cases) + hexCounts res 9, cold: ${hexMs.toFixed(0)} ms → ${counts.size.toLocaleString('en')} cells`
);
const [, windowMs] = time(() => selectWindow(c, week));
log(`  selectWindow alone: ${windowMs.toFixed(1)} ms`);
const scratch = new Uint32Array(c.length);
const sanitation = new Set([dict.categoryCode.get('sanitation')!]);
const [[idx2, counts2], warmMs] = time(() => {
	const idx = selectWindow(c, { from: now - 5 * 86_400_000, to: now - 86_400_000, categories: sanitation, out: scratch });
	return [idx, hexCounts(c, idx, 9)] as const;
});
log(
	`selectWindow (days 5–1 back, sanitation: ${idx2.length.toLocaleString('en')}) + hexCounts, warm: ${warmMs.toFixed(1)} ms → ${counts2.size.toLocaleString('en')} cells`
);
suppress(counts, 3); // first call: JIT and a GC of the synthetic input land here otherwise
const [sup, supMs] = time(() => suppress(counts, 3));
log(`suppress k=3: ${sup.suppressedCells.toLocaleString('en')} cells / ${sup.suppressedCases.toLocaleString('en')} cases hidden, ${supMs.toFixed(1)} ms`);

// ---------------------------------------------------------------- spikes
const [rows, spikesMs] = time(() => {
	const { observed, baseline } = spikeCounts(c, { now, gridCount: GRIDS, gridOf });
	return spikes(observed, baseline);
});
log(
	`spikes over ${GRIDS.toLocaleString('en')} grids: ${rows.length.toLocaleString('en')} tested, ${rows.filter((r) => r.spiking).length} spiking, ${spikesMs.toFixed(0)} ms`
);

console.log(
	'RESULT ' +
		JSON.stringify({
			bytes_per_case: +bytesPerCase.toFixed(5),
			encode_ms: Math.round(encodeMs),
			hex_ms: Math.round(hexMs),
			hex_warm_ms: +warmMs.toFixed(1),
			spikes_ms: Math.round(spikesMs),
			cases: N,
			grids: GRIDS
		})
);
