// Spiking grids: today's count in each grid against its trailing baseline, one-sided Poisson test.
//
// Baseline: the grid's mean daily count over the previous `days` (28) local days. By default only
// the same part of each day is compared (00:00 → now's time of day), so at 10:00 today's morning
// is tested against 28 mornings, not 28 whole days (which would hide morning spikes, and the
// daily rhythm of reports makes "fraction of the day" a poor scaling). `sameTimeOfDay: false`
// compares with whole days (for a day that is over).
//
// expected λ = max(baseline total / days, floor); p = P(X ≥ observed | λ); spiking when p < α and
// observed ≥ minObserved. The floor keeps a grid that was quiet for 4 weeks from "spiking" on a
// single case (λ = 0 would give p = 0). By default no multiple-testing correction: with many grids
// expect up to ≈ α × (grids tested) false alarms a day; `correction: 'bonferroni'` tests each grid
// at α ÷ (grids with a case today) instead, for a wall screen that must not cry wolf.
import { poissonUpperTail } from './poisson';
import { CHINA_OFFSET_MIN, DAY_MS, localDay } from './time';
import type { CaseColumns, TimeLike } from './columns';
import { toMs } from './columns';

export interface SpikeOptions {
	/** Baseline length in days; default 28. */
	days?: number;
	/** Significance level; default 0.01. */
	alpha?: number;
	/** Fewest cases today for a spike; default 3. */
	minObserved?: number;
	/** Smallest expected daily count λ; default 0.1. */
	floor?: number;
	/** 'none' (default) or 'bonferroni': α ÷ number of grids tested. */
	correction?: 'none' | 'bonferroni';
}

export interface SpikeRow {
	grid: number;
	observed: number;
	expected: number;
	p: number;
	spiking: boolean;
}

/**
 * The test for every grid with at least one case today (a grid with none has p = 1 and is never
 * spiking), in grid order. `observed[g]` today's count, `baselineTotal[g]` the count over the
 * baseline days (same part of the day).
 */
export function spikes(observed: ArrayLike<number>, baselineTotal: ArrayLike<number>, options: SpikeOptions = {}): SpikeRow[] {
	const days = options.days ?? 28,
		alpha = options.alpha ?? 0.01,
		minObserved = options.minObserved ?? 3,
		floor = options.floor ?? 0.1;
	const rows: SpikeRow[] = [];
	for (let g = 0; g < observed.length; g++) {
		const x = observed[g];
		if (!(x > 0)) continue;
		const expected = Math.max((baselineTotal[g] ?? 0) / days, floor);
		rows.push({ grid: g, observed: x, expected, p: poissonUpperTail(x, expected), spiking: false });
	}
	const level = options.correction === 'bonferroni' ? alpha / Math.max(1, rows.length) : alpha;
	for (const r of rows) r.spiking = r.p < level && r.observed >= minObserved;
	return rows;
}

export interface SpikeCountOptions {
	now: TimeLike;
	gridCount: number;
	days?: number;
	/** Compare only 00:00 → now's time of day (default true). */
	sameTimeOfDay?: boolean;
	/** Minutes east of UTC of the local day; default 480 (China). */
	offsetMin?: number;
	/** Restrict to these cases (e.g. a category filter from selectWindow); default all. */
	indices?: ArrayLike<number>;
	/** Grid of each case; default the columns' grid column. */
	gridOf?: ArrayLike<number>;
}

/** Today's count and the baseline total per grid, from case columns (one pass). */
export function spikeCounts(columns: CaseColumns, options: SpikeCountOptions): { observed: Uint32Array; baseline: Uint32Array } {
	const nG = options.gridCount,
		days = options.days ?? 28,
		off = options.offsetMin ?? CHINA_OFFSET_MIN;
	const nowMs = toMs(options.now);
	const today = localDay(nowMs, off);
	// seconds, in the columns' epoch, of today's local midnight; time of day cut-off in seconds
	const offS = off * 60,
		dayS = DAY_MS / 1000;
	const todayStart = today * dayS - offS - columns.epoch;
	const cut = options.sameTimeOfDay === false ? dayS : Math.floor(nowMs / 1000) - columns.epoch - todayStart + 1; // ≤ now inclusive
	const observed = new Uint32Array(nG),
		baseline = new Uint32Array(nG);
	const time = columns.time,
		gridOf = options.gridOf ?? columns.grid,
		idx = options.indices;
	const first = todayStart - days * dayS;
	const n = idx ? idx.length : columns.length;
	for (let k = 0; k < n; k++) {
		const i = idx ? idx[k] : k;
		const g = gridOf[i];
		if (!(g >= 0 && g < nG)) continue;
		const rel = time[i] - first; // seconds since the first baseline midnight
		if (rel < 0) continue;
		const d = Math.floor(rel / dayS); // 0 … days−1 baseline, days = today
		if (d > days || rel - d * dayS >= cut) continue;
		if (d === days) observed[g]++;
		else baseline[g]++;
	}
	return { observed, baseline };
}

export interface SpikeHistory {
	/** Whole days of case history (from the first case the reader may see to now); 0 without cases. */
	days: number;
	/** Days needed before any grid may be flagged. */
	required: number;
	/** Enough history: otherwise no grid is flagged and the screens say "历史不足". */
	sufficient: boolean;
}

/**
 * Whether there is enough history to call anything a spike: on the first days of a feed every grid's
 * baseline is zero and the test flags half the city (issue 18: 26–29 grids on the demo's first day).
 */
export function spikeHistory(firstCase: TimeLike | null, now: TimeLike, required: number): SpikeHistory {
	const days = firstCase == null ? 0 : Math.max(0, Math.floor((toMs(now) - toMs(firstCase)) / DAY_MS));
	return { days, required, sufficient: days >= required };
}
