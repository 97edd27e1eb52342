// Cases per grid and rates per 1,000 households, with k-suppression for the choropleth.

export interface GridRate {
	grid: number;
	/** Cases in the window; null when suppressed. */
	count: number | null;
	/** Cases per `per` households; null when suppressed or when the grid has no household count. */
	rate: number | null;
	/** 0 < count < k: hidden (suppression, never jitter). */
	suppressed: boolean;
}

export interface GridRates {
	grids: GridRate[];
	suppressedGrids: number;
	suppressedCases: number;
	/** Selected cases with no grid (NO_GRID, negative or ≥ grid count): outside jurisdiction. */
	unattributed: number;
}

/**
 * Cases per grid for the selected case indices. `gridOf[i]` is case i's grid index (the columns'
 * Uint16 `grid`, or any Uint32Array/Int32Array for larger cities); values ≥ gridCount (NO_GRID)
 * or < 0 count as unattributed (last slot of the result: counts[gridCount]).
 */
export function gridCounts(gridOf: ArrayLike<number>, indices: ArrayLike<number>, gridCount: number): Uint32Array {
	const counts = new Uint32Array(gridCount + 1);
	for (let k = 0; k < indices.length; k++) {
		const g = gridOf[indices[k]];
		counts[g >= 0 && g < gridCount ? g : gridCount]++;
	}
	return counts;
}

export interface RateOptions {
	/** Smallest count shown (k-anonymity); default 3. k ≤ 1 shows everything. */
	k?: number;
	/** Rate per this many households; default 1,000. */
	per?: number;
	/**
	 * Also hide grids with 0 cases. Default false: 0 is shown — it discloses no case, and the
	 * choropleth stays readable (the usual small-cell rule suppresses 1 … k−1).
	 */
	suppressZero?: boolean;
}

/**
 * Per-grid counts and rates. `counts` from gridCounts (its extra unattributed slot is read if
 * present); `households[g]` the grid's households (≤ 0, NaN or missing → rate null).
 */
export function gridRates(counts: ArrayLike<number>, households: ArrayLike<number>, options: RateOptions = {}): GridRates {
	const k = options.k ?? 3,
		per = options.per ?? 1000,
		zero = options.suppressZero ?? false;
	const n = households.length;
	const grids: GridRate[] = new Array(n);
	let suppressedGrids = 0,
		suppressedCases = 0;
	for (let g = 0; g < n; g++) {
		const c = counts[g] ?? 0;
		if (c < k && (c > 0 || zero)) {
			suppressedGrids++;
			suppressedCases += c;
			grids[g] = { grid: g, count: null, rate: null, suppressed: true };
			continue;
		}
		const h = households[g];
		grids[g] = { grid: g, count: c, rate: h > 0 ? (c * per) / h : null, suppressed: false };
	}
	return { grids, suppressedGrids, suppressedCases, unattributed: counts.length > n ? counts[n] : 0 };
}
