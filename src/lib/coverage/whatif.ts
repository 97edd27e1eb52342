// What-if in the browser. Straight-line rules: geo/coverage's CoverageWhatIf over the data from
// GET /api/coverage/whatif, re-checking only buildings within reach of the changed facility.
// Walking rules: the server answers exactly over the network (POST /api/coverage/whatif), since the
// walk graph lives there. Both keep the same list of changes and report the cells that changed.
import { CoverageWhatIf, withFacilityCount, type BuildingSet, type CoverageFacility, type UnitRuleResult } from '$geo/coverage';
import type { CoverageCell, WhatIfData } from './types';

export interface WhatIfSession {
	readonly added: CoverageFacility[];
	readonly removed: string[];
	add(lon: number, lat: number): Promise<Map<string, CoverageCell>>;
	remove(facilityId: string): Promise<Map<string, CoverageCell>>;
	/** The selected community's buildings now: covered by the rule, and distance to the nearest facility. */
	coverage(buildingIds: Set<string>): Map<string, { covered: boolean; distanceM: number }>;
}

function toCell(r: UnitRuleResult, community: string): CoverageCell {
	return {
		community,
		rule: r.ruleId,
		status: r.status,
		share: r.share,
		householdsTotal: r.householdsTotal,
		householdsCovered: r.householdsCovered,
		householdsShort: r.householdsShort,
		buildings: r.buildings,
		uncovered: r.uncovered.length,
		metricUsed: 'straight'
	};
}

/**
 * Straight-line rule: everything in the browser. Without a walking network the server measures
 * walking rules in straight line too (walkAsStraight), and so does this.
 */
export function straightWhatIf(data: WhatIfData, ruleId: string, walkAsStraight: boolean): WhatIfSession {
	const b = data.buildings;
	const buildings: BuildingSet = {
		ids: b.ids,
		lon: Float64Array.from(b.lon),
		lat: Float64Array.from(b.lat),
		households: Float64Array.from(b.households, (h) => (h === null ? Number.NaN : h))
	};
	const rules = data.rules.filter((r) => r.metric === 'straight' || walkAsStraight).map((r) => ({ ...r, metric: 'straight' as const }));
	const engine = new CoverageWhatIf(buildings, Int32Array.from(b.community), data.communities.length, rules, data.facilities);
	const overrides = new Map<string, CoverageCell>();
	const added: CoverageFacility[] = [];
	const removed: string[] = [];
	const ruleIds = new Set(rules.map((r) => r.id));
	const rule = rules.find((r) => r.id === ruleId)!;

	let lastCount = data.facilities.length;
	function refresh(changedUnits: number[]) {
		const changed = new Set(changedUnits);
		// With no facility of the category before or after the change, cells read "no such facility"
		// (as the server's do); when that flips, every cell changes, not only those near the facility.
		const count = data.facilities.length - removed.length + added.length;
		const flipped = (count === 0) !== (lastCount === 0);
		lastCount = count;
		for (const r of engine.results()) {
			if ((!flipped && !changed.has(r.unit)) || !ruleIds.has(r.ruleId)) continue;
			const code = data.communities[r.unit];
			overrides.set(`${code}|${r.ruleId}`, toCell(withFacilityCount(r, count), code));
		}
		return new Map(overrides);
	}
	let seq = 0;
	return {
		added,
		removed,
		async add(lon, lat) {
			const f: CoverageFacility = { id: `whatif-${++seq}`, category: data.category, geometry: { type: 'Point', coordinates: [lon, lat] } };
			added.push(f);
			return refresh(engine.add(f).changedUnits);
		},
		async remove(facilityId) {
			const i = added.findIndex((f) => f.id === facilityId);
			if (i >= 0) added.splice(i, 1);
			else removed.push(facilityId);
			return refresh(engine.remove(facilityId).changedUnits);
		},
		coverage(ids) {
			const d = engine.distances(`straight:${rule.category}`);
			const out = new Map<string, { covered: boolean; distanceM: number }>();
			b.ids.forEach((id, i) => {
				if (ids.has(id)) out.set(id, { covered: d[i] <= rule.maxDistanceM, distanceM: d[i] });
			});
			return out;
		}
	};
}

/** Walking rule: each change is sent to the server with the whole list of changes. */
export function walkWhatIf(ruleId: string, community: string, category: string, reachM: number): WhatIfSession {
	const added: CoverageFacility[] = [];
	const removed: string[] = [];
	let distances: Record<string, number | null> = {};
	let seq = 0;
	async function ask(): Promise<Map<string, CoverageCell>> {
		const res = await fetch('/api/coverage/whatif', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				rule: ruleId,
				community,
				added: added.map((f) => ({ lon: (f.geometry as GeoJSON.Point).coordinates[0], lat: (f.geometry as GeoJSON.Point).coordinates[1] })),
				removed
			})
		});
		const body = await res.json();
		if (!res.ok) throw new Error(body?.message ?? String(res.status));
		distances = body.distances;
		return new Map((body.cells as CoverageCell[]).map((c) => [`${c.community}|${c.rule}`, c]));
	}
	return {
		added,
		removed,
		async add(lon, lat) {
			added.push({ id: `whatif-${++seq}`, category, geometry: { type: 'Point', coordinates: [lon, lat] } });
			return ask();
		},
		async remove(facilityId) {
			const i = added.findIndex((f) => f.id === facilityId);
			if (i >= 0) added.splice(i, 1);
			else removed.push(facilityId);
			return ask();
		},
		coverage(ids) {
			const out = new Map<string, { covered: boolean; distanceM: number }>();
			for (const id of ids) {
				if (!(id in distances)) continue;
				const d = distances[id] ?? Infinity;
				out.set(id, { covered: d <= reachM, distanceM: d });
			}
			return out;
		}
	};
}
