import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { mulberry32 } from '../synth/prng';
import {
	BYTES_PER_CASE,
	HEADER_BYTES,
	NO_GRID,
	appendCases,
	caseTimeMs,
	compactCases,
	decodeCases,
	emptyCases,
	encodeCases,
	gammaP,
	gammaQ,
	gridCounts,
	gridRates,
	hexCounts,
	kpis,
	logGamma,
	makeDict,
	poissonUpperTail,
	selectWindow,
	spikeCounts,
	spikes,
	suppress,
	type CaseInput
} from './index';
import { expectedOutput } from '../test-fixture';

const read = (dir: 'in' | 'out', name: string) => JSON.parse(readFileSync(new URL(`./test/${dir}/${name}`, import.meta.url), 'utf8'));
const fixture = read('in', 'cases.json') as { categories: string[]; statuses: string[]; cases: (Omit<CaseInput, 'reportedAt'> & { reportedAt: string })[] };
const dict = makeDict(fixture.categories, fixture.statuses);
const fixtureCases: CaseInput[] = fixture.cases.map((c) => ({ ...c, reportedAt: new Date(c.reportedAt) }));
const t = (iso: string) => Date.parse(iso);

describe('case columns', () => {
	it('encodes 16 bytes per case after a 32-byte header and round-trips the fixture', () => {
		const buf = encodeCases(fixtureCases, dict);
		expect(buf.byteLength).toBe(HEADER_BYTES + BYTES_PER_CASE * fixtureCases.length);
		const c = decodeCases(buf);
		expect(c.length).toBe(8);
		expect(c.lonLat).toBeInstanceOf(Float32Array);
		fixtureCases.forEach((x, i) => {
			expect(c.lonLat[2 * i]).toBe(Math.fround(x.lon));
			expect(c.lonLat[2 * i + 1]).toBe(Math.fround(x.lat));
			expect(caseTimeMs(c, i)).toBe(Math.floor(+x.reportedAt / 1000) * 1000);
			expect(dict.categories[c.category[i]]).toBe(x.category);
			expect(dict.statuses[c.status[i]]).toBe(x.status);
			expect(c.grid[i]).toBe(x.gridIndex ?? NO_GRID);
		});
		// 10:00:00.700 is kept as 10:00:00 (whole seconds)
		expect(caseTimeMs(c, 3)).toBe(t('2025-03-10T10:00:00+08:00'));
	});

	it('keeps positions within 0.45 m around Nanjing and 1 m anywhere in China (Float32)', () => {
		const worst = (lon0: number, dLon: number, lat0: number, dLat: number) => {
			const rng = mulberry32(7);
			const cases: CaseInput[] = Array.from({ length: 20000 }, () => ({
				lon: lon0 + rng() * dLon,
				lat: lat0 + rng() * dLat,
				reportedAt: t('2025-01-01T00:00:00Z'),
				category: 'other',
				status: 'reported'
			}));
			const c = decodeCases(encodeCases(cases, dict));
			let w = 0;
			cases.forEach((x, i) => {
				const dx = (c.lonLat[2 * i] - x.lon) * 111_320 * Math.cos((x.lat * Math.PI) / 180);
				const dy = (c.lonLat[2 * i + 1] - x.lat) * 110_574;
				w = Math.max(w, Math.hypot(dx, dy));
			});
			return w;
		};
		// lon 118: steps of 2⁻¹⁷° ≈ 0.72 m (E–W at 32°N), lat 32: 2⁻¹⁸° ≈ 0.42 m → ≤ ½ step each
		const nanjing = worst(118.3, 1, 31.2, 1.2);
		expect(nanjing).toBeLessThan(0.45);
		expect(nanjing).toBeGreaterThan(0.1); // it is lossy: documented, not hidden
		// east of 128°E the step doubles (2⁻¹⁶° ≈ 1.45 m at 18°N)
		expect(worst(73, 62, 18, 36)).toBeLessThan(1);
	});

	it('refuses unknown codes, times before the epoch, and foreign buffers', () => {
		const base = fixtureCases[0];
		expect(() => encodeCases([{ ...base, category: 'graffiti' }], dict)).toThrow(/unknown category/);
		expect(() => encodeCases([{ ...base, status: 'lost' }], dict)).toThrow(/unknown status/);
		expect(() => encodeCases([{ ...base, reportedAt: t('2019-12-31T23:59:59Z') }], dict)).toThrow(RangeError);
		expect(() => decodeCases(new ArrayBuffer(64))).toThrow(/magic/);
		expect(() => decodeCases(encodeCases(fixtureCases, dict).slice(0, 100))).toThrow(/truncated/);
	});

	it('appends in place while there is room, then doubles the capacity', () => {
		let c = emptyCases(4);
		const first = c;
		c = appendCases(c, fixtureCases.slice(0, 3), dict);
		expect(c).toBe(first);
		expect(c.length).toBe(3);
		c = appendCases(c, fixtureCases.slice(3, 4), dict);
		expect(c).toBe(first);
		expect(c.capacity).toBe(4);
		c = appendCases(c, fixtureCases.slice(4, 6), dict);
		expect(c).not.toBe(first);
		expect(c.capacity).toBe(8);
		c = appendCases(c, fixtureCases.slice(6), dict);
		expect(c.capacity).toBe(8);
		// the grown buffer decodes (header updated) and equals a one-shot encoding
		const once = decodeCases(encodeCases(fixtureCases, dict));
		const again = decodeCases(c.buffer);
		expect(again.length).toBe(8);
		expect(Array.from(again.time.subarray(0, 8))).toEqual(Array.from(once.time));
		expect(Array.from(again.lonLat.subarray(0, 16))).toEqual(Array.from(once.lonLat));
		expect(Array.from(again.grid.subarray(0, 8))).toEqual(Array.from(once.grid));
		// compact copy for sending
		expect(compactCases(c).byteLength).toBe(HEADER_BYTES + 8 * BYTES_PER_CASE);
	});

	it('appends a decoded chunk with another epoch, re-basing its times', () => {
		const head = decodeCases(encodeCases(fixtureCases.slice(0, 2), dict));
		const tail = decodeCases(encodeCases(fixtureCases.slice(2), dict, { epoch: 1735689600 /* 2025-01-01 */ }));
		expect(tail.epoch).toBe(1735689600);
		const c = appendCases(head, tail);
		for (let i = 0; i < 8; i++) expect(caseTimeMs(c, i)).toBe(Math.floor(+fixtureCases[i].reportedAt / 1000) * 1000);
		expect(c.status[7]).toBe(dict.statusCode.get('escalated'));
	});
});

describe('selectWindow (test/in/cases.json → test/out/windows.json)', () => {
	const c = decodeCases(encodeCases(fixtureCases, dict));
	type Window = { name: string; from: string; to: string; categories?: string[]; statuses?: string[]; indices: number[] };
	const optionsOf = (w: Window) => ({
		from: t(w.from),
		to: new Date(w.to),
		categories: w.categories ? new Set(w.categories.map((x) => dict.categoryCode.get(x)!)) : undefined,
		statuses: w.statuses ? new Set(w.statuses.map((x) => dict.statusCode.get(x)!)) : undefined
	});
	// The windows (written by hand) with the cases each selects (REGEN=1 recomputes those).
	const spec = read('out', 'windows.json') as Window[];
	const windows = expectedOutput<Window[]>(
		new URL('./test/out/windows.json', import.meta.url),
		spec.map((w) => ({ ...w, indices: Array.from(selectWindow(c, optionsOf(w))) }))
	);
	for (const w of windows) {
		it(w.name, () => {
			const options = optionsOf(w);
			expect(Array.from(selectWindow(c, options))).toEqual(w.indices);
			const out = new Uint32Array(c.length); // reused scratch: a view, same answer
			const view = selectWindow(c, { ...options, out });
			expect(view.buffer).toBe(out.buffer);
			expect(Array.from(view)).toEqual(w.indices);
		});
	}
});

describe('hexCounts and k-suppression', () => {
	// cases at the centres of three neighbouring res-9 cells: 5, 2 and 1 cases
	const a = latLngToCell(32.04, 118.78, 9);
	const [b, cc] = gridDisk(a, 1).filter((x) => x !== a);
	const at = (cell: string, n: number, hour: number): CaseInput[] =>
		Array.from({ length: n }, () => {
			const [lat, lon] = cellToLatLng(cell);
			return { lon, lat, reportedAt: t(`2025-03-10T${String(hour).padStart(2, '0')}:00:00+08:00`), category: 'sanitation', status: 'reported' };
		});
	const cases = [...at(a, 5, 9), ...at(b, 2, 10), ...at(cc, 1, 11)];

	it('counts the cases of each cell in the window', () => {
		const c = decodeCases(encodeCases(cases, dict));
		const all = selectWindow(c, { from: t('2025-03-10T00:00:00+08:00'), to: t('2025-03-11T00:00:00+08:00') });
		expect(hexCounts(c, all, 9)).toEqual(
			new Map([
				[a, 5],
				[b, 2],
				[cc, 1]
			])
		);
		const morning = selectWindow(c, { from: t('2025-03-10T00:00:00+08:00'), to: t('2025-03-10T10:00:00+08:00') });
		expect(hexCounts(c, morning, 9)).toEqual(new Map([[a, 5]]));
		// a coarser resolution holds them all in one cell
		expect([...hexCounts(c, all, 5).values()]).toEqual([8]);
	});

	it('suppresses cells under k (3 by default) and says how much was hidden', () => {
		const counts = new Map([
			[a, 5],
			[b, 2],
			[cc, 1]
		]);
		expect(suppress(counts)).toEqual({ counts: new Map([[a, 5]]), suppressedCells: 2, suppressedCases: 3 });
		expect(suppress(counts, 2)).toEqual({
			counts: new Map([
				[a, 5],
				[b, 2]
			]),
			suppressedCells: 1,
			suppressedCases: 1
		});
		expect(suppress(counts, 1).counts).toEqual(counts);
		expect(counts.size).toBe(3); // input untouched
	});

	it('extends its per-case cell cache when cases are appended (also across a grow)', () => {
		let c = emptyCases(4);
		c = appendCases(c, cases.slice(0, 3), dict);
		const win = { from: 0, to: t('2030-01-01T00:00:00Z') };
		expect(hexCounts(c, selectWindow(c, win), 9)).toEqual(new Map([[a, 3]]));
		c = appendCases(c, cases.slice(3), dict); // grows 4 → 8
		expect(hexCounts(c, selectWindow(c, win), 9)).toEqual(
			new Map([
				[a, 5],
				[b, 2],
				[cc, 1]
			])
		);
	});
});

describe('gridCounts / gridRates (test/in/rates.json → test/out/rates.json)', () => {
	it('counts, rates per 1,000 households and suppresses grids under k', () => {
		const input = read('in', 'rates.json');
		const grid = Uint16Array.from(input.grid);
		const indices = Uint32Array.from(grid.keys());
		const counts = gridCounts(grid, indices, input.gridCount);
		expect(Array.from(counts)).toEqual([3, 2, 4, 0, 1]);
		const rates = gridRates(counts, input.households, { k: input.k });
		expect(rates).toEqual(expectedOutput(new URL('./test/out/rates.json', import.meta.url), rates));
	});

	it('can hide zero grids too, and k = 1 hides nothing', () => {
		const counts = Uint32Array.from([3, 2, 4, 0, 1]);
		const r = gridRates(counts, [1500, 800, 0, 200], { suppressZero: true });
		expect(r.grids[3]).toEqual({ grid: 3, count: null, rate: null, suppressed: true });
		expect(r.suppressedGrids).toBe(2);
		expect(gridRates(counts, [1500, 800, 0, 200], { k: 1 }).suppressedGrids).toBe(0);
	});
});

describe('Poisson upper tail', () => {
	// independent reference: the upper tail summed term by term (all terms positive, no cancellation)
	const reference = (x: number, lambda: number) => {
		let logFact = 0;
		for (let i = 2; i <= x; i++) logFact += Math.log(i);
		let sum = 0;
		for (let i = x; i < x + 2000; i++) {
			if (i > x) logFact += Math.log(i);
			const term = Math.exp(-lambda + i * Math.log(lambda) - logFact);
			sum += term;
			if (i > lambda && term < sum * 1e-18) break;
		}
		return sum;
	};

	it('matches closed forms', () => {
		expect(poissonUpperTail(0, 3)).toBe(1);
		expect(poissonUpperTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 15);
		expect(poissonUpperTail(3, 1)).toBeCloseTo(1 - 2.5 / Math.E, 15); // 0.0803013970713942
		expect(poissonUpperTail(5, 1) / (1 - (1 + 1 + 1 / 2 + 1 / 6 + 1 / 24) / Math.E)).toBeCloseTo(1, 12); // 0.00365984
		expect(poissonUpperTail(3, 0.1) / (1 - Math.exp(-0.1) * 1.105)).toBeCloseTo(1, 10); // 1.5465e-4
		expect(poissonUpperTail(10, 1) / 1.1142547833872e-7).toBeCloseTo(1, 10); // R: ppois(9, 1, lower = FALSE)
		expect(poissonUpperTail(1, 0)).toBe(0);
	});

	it('matches the term-by-term sum across small, large and extreme cases (relative 1e-12)', () => {
		const cases: [number, number][] = [
			[1, 0.01],
			[2, 0.1],
			[3, 0.5],
			[4, 2],
			[10, 2],
			[7, 7],
			[8, 7],
			[20, 3.3],
			[30, 10],
			[60, 30],
			[100, 1],
			[150, 1],
			[120, 100],
			[140, 100],
			[90, 100],
			[50, 100],
			[1000, 900],
			[5, 40]
		];
		for (const [x, lambda] of cases) {
			const p = poissonUpperTail(x, lambda),
				r = reference(x, lambda);
			// beyond 171, ln Γ is Lanczos (≈ 1e-15 of ≈ 6,000) and the reference sums ~500 terms: 1e-10
			expect(Math.abs(p - r) / r, `P(X ≥ ${x} | ${lambda}) = ${p} vs ${r}`).toBeLessThan(x > 171 ? 1e-10 : 1e-12);
		}
		expect(poissonUpperTail(150, 1)).toBeGreaterThan(0); // ≈ 1e-263, not flushed to 0
	});

	it('keeps P + Q = 1 and ln Γ exact on integers', () => {
		for (const [a, x] of [
			[3, 1],
			[3, 5],
			[50, 49],
			[0.5, 2]
		])
			expect(gammaP(a, x) + gammaQ(a, x)).toBeCloseTo(1, 14);
		expect(logGamma(5)).toBeCloseTo(Math.log(24), 14);
		expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
		let ln171 = 0;
		for (let i = 2; i <= 171; i++) ln171 += Math.log(i);
		expect(logGamma(172) / ln171).toBeCloseTo(1, 14); // Lanczos beyond the table
		expect(logGamma(200.5) - logGamma(199.5)).toBeCloseTo(Math.log(199.5), 11); // Γ(x + 1) = x Γ(x)
	});
});

describe('spikes', () => {
	it('tests each grid with cases today against its baseline (hand-checked)', () => {
		// grid 1: quiet for 28 days → λ = floor 0.1, p = 1 − e^−0.1·1.105 = 1.5465e-4
		// grid 2: 28 cases in 28 days → λ = 1, 5 today: p = 1 − e^−1·(1 + 1 + 1/2 + 1/6 + 1/24) = 0.0036598
		// grid 3: 2 cases today over λ = 0.1: p = 0.00468 < α, but under the 3-case minimum
		const rows = spikes([0, 3, 5, 2], [0, 0, 28, 0]);
		expect(rows.map((r) => r.grid)).toEqual([1, 2, 3]);
		expect(rows[0]).toMatchObject({ observed: 3, expected: 0.1, spiking: true });
		expect(rows[0].p).toBeCloseTo(1.5465e-4, 7);
		expect(rows[1]).toMatchObject({ observed: 5, expected: 1, spiking: true });
		expect(rows[1].p).toBeCloseTo(0.0036598, 6);
		expect(rows[2].spiking).toBe(false);
		expect(rows[2].p).toBeCloseTo(0.004679, 5);
		expect(spikes([5], [28], { alpha: 0.001 })[0].spiking).toBe(false);
	});

	it('counts today and the same part of the previous 28 days per grid', () => {
		const mk = (iso: string, gridIndex = 0): CaseInput => ({ lon: 118.78, lat: 32.04, reportedAt: t(iso), category: 'other', status: 'reported', gridIndex });
		const c = decodeCases(
			encodeCases(
				[
					mk('2025-03-10T09:00:00+08:00'),
					mk('2025-03-10T11:59:59+08:00'),
					mk('2025-03-10T12:00:00+08:00'), // = now: in
					mk('2025-03-10T12:00:01+08:00'), // after now: out (whole day: in)
					mk('2025-03-09T11:00:00+08:00'), // yesterday morning: baseline
					mk('2025-03-09T13:00:00+08:00'), // yesterday afternoon: out (whole day: in)
					mk('2025-02-10T10:00:00+08:00'), // 28th day back: baseline
					mk('2025-02-09T10:00:00+08:00'), // 29th day back: out
					mk('2025-03-10T10:00:00+08:00', 1),
					mk('2025-03-10T10:00:00+08:00', NO_GRID)
				],
				dict
			)
		);
		const now = t('2025-03-10T12:00:00+08:00');
		const same = spikeCounts(c, { now, gridCount: 2 });
		expect(Array.from(same.observed)).toEqual([3, 1]);
		expect(Array.from(same.baseline)).toEqual([2, 0]);
		const whole = spikeCounts(c, { now, gridCount: 2, sameTimeOfDay: false });
		expect(Array.from(whole.observed)).toEqual([4, 1]);
		expect(Array.from(whole.baseline)).toEqual([3, 0]);
	});

	it('finds the planted spike (6× its rate today) in a synthetic city: 300 grids, 29 days, seeded', () => {
		const rng = mulberry32(42);
		const poisson = (lambda: number) => {
			let k = 0,
				p = 1;
			const l = Math.exp(-lambda);
			while ((p *= rng()) > l) k++;
			return k;
		};
		const G = 300,
			PLANT = 137;
		const now = t('2025-03-10T18:00:00+08:00');
		const todayStart = t('2025-03-10T00:00:00+08:00');
		const rate = Array.from({ length: G }, () => 0.2 + 4 * rng()); // cases per day
		const cases: CaseInput[] = [];
		for (let g = 0; g < G; g++) {
			for (let d = -28; d <= 0; d++) {
				const lambda = rate[g] * (d === 0 && g === PLANT ? 6 : 1) * (d === 0 ? 0.75 : 1); // today: 00:00–18:00
				const n = poisson(lambda);
				for (let k = 0; k < n; k++) {
					const dayMs = d === 0 ? 18 * 3600_000 : 86_400_000;
					cases.push({
						lon: 118.78,
						lat: 32.04,
						reportedAt: todayStart + d * 86_400_000 + Math.floor(rng() * dayMs),
						category: 'other',
						status: 'reported',
						gridIndex: g
					});
				}
			}
		}
		const c = decodeCases(encodeCases(cases, dict));
		const { observed, baseline } = spikeCounts(c, { now, gridCount: G });
		const rows = spikes(observed, baseline);
		// at α = 0.01 over 300 grids, a false alarm or two is expected (here grid 66: 3 cases on
		// λ = 0.43, p = 0.0095); with the Bonferroni correction only the planted grid remains
		const found = rows.filter((r) => r.spiking).map((r) => r.grid);
		expect(found).toContain(PLANT);
		expect(found.length).toBeLessThanOrEqual(3);
		const strict = spikes(observed, baseline, { correction: 'bonferroni' });
		expect(strict.filter((r) => r.spiking).map((r) => r.grid)).toEqual([PLANT]);
		const planted = strict.find((r) => r.grid === PLANT)!;
		expect(planted.observed / planted.expected).toBeGreaterThan(3);
	});
});

describe('kpis (test/in/kpi-cases.json → test/out/kpis.json)', () => {
	it('matches the hand-computed dashboard', () => {
		const input = read('in', 'kpi-cases.json');
		const rows = input.rows.map((r: Record<string, unknown>) => ({
			...r,
			reportedAt: new Date(r.reportedAt as string),
			dueAt: r.dueAt ? new Date(r.dueAt as string) : null,
			closedAt: r.closedAt ? t(r.closedAt as string) : undefined
		}));
		const actual = kpis(rows, new Date(input.now));
		expect(actual).toEqual(expectedOutput(new URL('./test/out/kpis.json', import.meta.url), actual));
	});

	it('counts a row standing for n cases as n copies of it', () => {
		const input = read('in', 'kpi-cases.json');
		const rows = input.rows.map((r: Record<string, unknown>, i: number) => ({
			...r,
			reportedAt: new Date(r.reportedAt as string),
			dueAt: r.dueAt ? new Date(r.dueAt as string) : null,
			closedAt: r.closedAt ? t(r.closedAt as string) : undefined,
			count: 1 + (i % 4)
		}));
		const copies = rows.flatMap((r: { count: number }) => Array.from({ length: r.count }, () => ({ ...r, count: undefined })));
		expect(kpis(rows, new Date(input.now))).toEqual(kpis(copies, new Date(input.now)));
	});

	it('gives null rates, not 0 or 1, when nothing is due', () => {
		const k = kpis([], t('2025-03-10T12:00:00+08:00'));
		expect(k).toMatchObject({ total: 0, today: 0, inProgress: 0, overdue: 0, due: 0, closureRate: null, onTimeRate: null });
		expect(k.byDay).toHaveLength(7);
		expect(k.byMonth).toHaveLength(12);
		const notDue = kpis(
			[
				{
					reportedAt: t('2025-03-10T08:00:00+08:00'),
					status: 'closed',
					closedAt: t('2025-03-10T09:00:00+08:00'),
					dueAt: t('2025-03-11T08:00:00+08:00'),
					category: 'x'
				}
			],
			t('2025-03-10T12:00:00+08:00')
		);
		expect(notDue).toMatchObject({ total: 1, today: 1, inProgress: 0, due: 0, closureRate: null, onTimeRate: null });
		expect(notDue.byGrid.none.total).toBe(1);
	});

	it('puts "today" at the local (UTC+8) midnight', () => {
		const now = t('2025-03-10T01:00:00+08:00'); // 2025-03-09T17:00Z
		const row = (iso: string) => ({ reportedAt: t(iso), status: 'reported', category: 'x' });
		const k = kpis([row('2025-03-09T23:59:59+08:00'), row('2025-03-10T00:00:00+08:00')], now);
		expect(k.today).toBe(1);
		expect(k.byDay.map((d) => d.period).slice(-2)).toEqual(['2025-03-09', '2025-03-10']);
	});
});

describe('spike history (issue 18: no spikes on a feed’s first days)', () => {
	it('needs the required days of history since the first case', async () => {
		const { spikeHistory } = await import('./spikes');
		const now = Date.parse('2026-12-06T12:00:00Z');
		expect(spikeHistory(null, now, 14)).toEqual({ days: 0, required: 14, sufficient: false });
		expect(spikeHistory(now - 13.5 * 86400_000, now, 14)).toEqual({ days: 13, required: 14, sufficient: false });
		expect(spikeHistory(now - 14 * 86400_000, now, 14).sufficient).toBe(true);
	});
});
