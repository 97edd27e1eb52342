// Auto-propose the grids of a community: recursive weighted bisection of the community over its
// buildings (./bisect: cuts along roads when they balance the sides, else straight cuts midway
// between buildings, so no building is ever split), then, with a band, a rebalance that moves
// boundary buildings until every grid is inside the band where possible. Deterministic.
import type { Feature, LineString, MultiLineString } from 'geojson';
import { bisectPolygon } from './bisect';
import { numberGrids } from './codes';
import { balanceStats, DEFAULT_BAND, householdsPerGrid, type BalanceStats, type Band, type GridFeature, type PlanBuilding } from './households';
import { geometryOf, type Areal } from './planar';
import { rebalance } from './rebalance';

export interface ProposeOptions {
	/** Number of grids; default derived from the band. */
	targetCount?: number;
	/** Household band (default 300–500); used for the count and for the rebalance. */
	band?: Band;
	/** Roads (centrelines) preferred as borders. */
	roads?: (LineString | MultiLineString | Feature<LineString | MultiLineString>)[];
	/** Community code: grids are numbered code + 3 digits west→east, north→south; else 001, 002, … */
	communityCode?: string;
	/** Skip the rebalance step. */
	noRebalance?: boolean;
}

export interface Proposal {
	grids: GridFeature[];
	households: number[];
	stats: BalanceStats;
	/** False when no partition can keep every grid inside the band; `explanation` says why. */
	feasible: boolean;
	explanation?: { zh: string; en: string };
	/** Buildings moved by the rebalance step. */
	moved: number;
}

/** How many grids the band allows: [fewest, most]; empty (lo > hi) when none does. */
export function gridCountRange(totalHouseholds: number, band: Band): [number, number] {
	return [Math.max(1, Math.ceil(totalHouseholds / band.max)), Math.floor(totalHouseholds / band.min)];
}

export function proposeGrids(community: Feature<Areal> | Areal, buildings: PlanBuilding[], opts: ProposeOptions = {}): Proposal {
	const C = geometryOf(community);
	const band = opts.band ?? DEFAULT_BAND;
	const total = buildings.reduce((s, b) => s + (Number(b.households) || 0), 0);
	const [lo, hi] = gridCountRange(total, band);
	let feasible = true;
	let explanation: { zh: string; en: string } | undefined;
	const biggest = buildings.reduce((m, b) => Math.max(m, Number(b.households) || 0), 0);
	let n: number;
	if (opts.targetCount) n = opts.targetCount;
	else if (lo <= hi) n = Math.min(hi, Math.max(lo, Math.round(total / ((band.min + band.max) / 2))));
	else n = Math.max(1, Math.round(total / ((band.min + band.max) / 2)));
	if (lo > hi) {
		feasible = false;
		explanation = {
			zh: `社区共 ${total} 户，没有任何网格数能使每格户数都在 ${band.min}–${band.max} 户之间`,
			en: `the community's ${total} households cannot be split into grids of ${band.min}–${band.max} households (no whole number of grids fits)`
		};
	} else if (biggest > band.max) {
		feasible = false;
		explanation = {
			zh: `有一栋楼 ${biggest} 户，超过每格上限 ${band.max} 户，而一栋楼不能拆分到两个网格`,
			en: `one building has ${biggest} households, more than the band's maximum of ${band.max}, and a building is never split`
		};
	} else if (opts.targetCount && (n < lo || n > hi)) {
		feasible = false;
		explanation = {
			zh: `${n} 个网格时平均每格 ${Math.round(total / n)} 户，超出 ${band.min}–${band.max} 户；可行的网格数为 ${lo}–${hi}`,
			en: `${n} grids average ${Math.round(total / n)} households, outside ${band.min}–${band.max}; ${lo}–${hi} grids would fit`
		};
	}
	const cutLines = (opts.roads ?? []).map((r, i) =>
		(r as Feature).type === 'Feature'
			? ({ ...(r as Feature<LineString | MultiLineString>), properties: { name: `road ${i}`, ...((r as Feature).properties ?? {}) } } as Feature<
					LineString | MultiLineString
				>)
			: ({ type: 'Feature', properties: { name: `road ${i}` }, geometry: r } as Feature<LineString | MultiLineString>)
	);
	const parts = bisectPolygon(
		C,
		buildings.map((b, i) => ({ coordinates: [b.lon, b.lat], weight: Number(b.households) || 0, id: i })),
		n,
		{ cutLines }
	);
	let grids: GridFeature[] = opts.communityCode
		? numberGrids(opts.communityCode, parts).map(({ feature, code }) => ({ type: 'Feature', properties: { code, kind: 'basic' }, geometry: feature.geometry }))
		: parts.map((p, i) => ({ type: 'Feature', properties: { code: String(i + 1).padStart(3, '0'), kind: 'basic' }, geometry: p.geometry }));
	const plain = buildings.map((b) => ({ ...b, grid: null }));
	let moved = 0;
	if (!opts.noRebalance && (feasible || opts.band)) {
		const r = rebalance(C, grids, plain, band);
		grids = r.grids;
		moved = r.moved;
	}
	const { byGrid } = householdsPerGrid(grids, plain);
	const households = grids.map((g) => byGrid.get(g.properties.code) ?? 0);
	const stats = balanceStats(households, band);
	if (feasible && stats.outsideBand > 0) {
		explanation = {
			zh: `${stats.outsideBand} 个网格仍超出 ${band.min}–${band.max} 户（楼栋户数不便再均分），可调整后再试`,
			en: `${stats.outsideBand} grid(s) remain outside ${band.min}–${band.max} households (buildings could not be balanced further)`
		};
	}
	return { grids, households, stats, feasible, explanation, moved };
}
