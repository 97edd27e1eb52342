// Reading the computed coverage: the report filtered, one cell's detail, site suggestions for a cell,
// and per-building distances for exports.
import type { Geometry } from 'geojson';
import { FacilityIndex, suggestSites } from '$geo/coverage';
import type { Db } from '../db';
import { ruleReachM } from './rules';
import { walkCatchment } from './walk';
import { CoverageInputError, type CoverageReport, type CoverageState, distanceKey } from './types';
import { getCoverage } from './compute';
import { optimalSites, type OptimalSummary, type SiteInput } from './optimal';
import type { CellDetail, SiteSuggestion, SuggestMethod } from '../../coverage/types';

export type { CellDetail, SiteSuggestion, SuggestMethod };

export interface ReportFilter {
	subdistrict?: string | null;
	level?: string | null;
	community?: string | null;
}

/** The report narrowed to a subdistrict, a rule level or one community. */
export function filterReport(report: CoverageReport, f: ReportFilter): CoverageReport {
	const rules = f.level ? report.rules.filter((r) => r.level === f.level) : report.rules;
	const ruleIds = new Set(rules.map((r) => r.id));
	const communities = report.communities.filter((c) => (!f.subdistrict || c.subdistrictCode === f.subdistrict) && (!f.community || c.code === f.community));
	const codes = new Set(communities.map((c) => c.code));
	return {
		...report,
		rules,
		communities,
		cells: report.cells.filter((c) => ruleIds.has(c.rule) && codes.has(c.community)),
		subdistricts: report.subdistricts.filter((s) => ruleIds.has(s.rule) && (!f.subdistrict || s.code === f.subdistrict))
	};
}

export function findCell(state: CoverageState, communityCode: string, ruleId: string) {
	const ci = state.report.communities.findIndex((c) => c.code === communityCode);
	if (ci < 0) throw new CoverageInputError('unknown_community', `未找到社区 ${communityCode} / no community ${communityCode}`);
	const rule = state.report.rules.find((r) => r.id === ruleId);
	if (!rule) throw new CoverageInputError('unknown_rule', `未找到已启用的规则 ${ruleId} / no enabled rule ${ruleId}`);
	const cell = state.report.cells.find((c) => c.community === communityCode && c.rule === ruleId)!;
	return { ci, rule, cell, community: state.report.communities[ci] };
}

export async function cellDetail(db: Db, communityCode: string, ruleId: string): Promise<CellDetail> {
	const state = await getCoverage(db);
	const { ci, rule, cell, community } = findCell(state, communityCode, ruleId);
	if (rule.kind !== 'distance' || !rule.category) {
		throw new CoverageInputError('not_distance_rule', `规则 ${ruleId} 不是距离规则，没有地图明细 / rule ${ruleId} is not a distance rule: no map detail`);
	}
	const reachM = ruleReachM(rule);
	const k = distanceKey(rule.metric ?? 'straight', rule.category);
	const dist = state.distances.get(k)!;
	const near = state.nearest.get(k)!;
	const facilities = state.facilitiesByCategory.get(rule.category) ?? [];
	const members: number[] = [];
	state.buildingCommunity.forEach((c, i) => c === ci && members.push(i));
	const geoms = await db.query<{ source_id: string; geom: Geometry }>(
		`SELECT source_id, ST_AsGeoJSON(geom, 7)::json AS geom FROM buildings WHERE community_code = $1`,
		[communityCode]
	);
	const geomById = new Map(geoms.map((g) => [g.source_id, g.geom]));
	const used = new Set<number>();
	const buildingFeatures = members.map((i) => {
		const f = near[i];
		if (f >= 0) used.add(f);
		const d = dist[i];
		return {
			type: 'Feature' as const,
			id: i,
			geometry: geomById.get(state.buildings.ids[i]) ?? { type: 'Point' as const, coordinates: [state.buildings.lon[i], state.buildings.lat[i]] },
			properties: {
				id: state.buildings.ids[i],
				households: state.buildings.households[i],
				covered: d <= reachM,
				distance_m: Number.isFinite(d) ? Math.round(d * 10) / 10 : null,
				nearest: f >= 0 ? facilities[f].id : null,
				lon: state.buildings.lon[i],
				lat: state.buildings.lat[i]
			}
		};
	});
	// Facilities near the community: those nearest to any of its buildings plus any within reach of them.
	let index = state.indexes.get(rule.category);
	if (!index) state.indexes.set(rule.category, (index = FacilityIndex.build(facilities)));
	for (const i of members) for (const f of index.within(state.buildings.lon[i], state.buildings.lat[i], reachM)) used.add(f);
	const facilityFeatures = [...used]
		.sort((a, b) => a - b)
		.map((f) => ({
			type: 'Feature' as const,
			geometry: facilities[f].geometry,
			properties: { id: facilities[f].id, category: rule.category }
		}));
	const grids: CellDetail['grids'] = [];
	state.gridCodes.forEach((code, gi) => {
		if (!code.startsWith(communityCode)) return;
		const r = state.gridResults.brief(rule.id, gi);
		if (r) grids.push({ code, status: r.status, share: r.share, householdsTotal: r.householdsTotal, householdsShort: r.householdsShort });
	});
	grids.sort((a, b) => a.code.localeCompare(b.code));
	const catchment =
		cell.metricUsed === 'walk'
			? await walkCatchment(
					db,
					[...used].map((f) => facilities[f]),
					reachM
				)
			: null;
	return {
		community,
		rule,
		cell,
		reachM,
		category: rule.category,
		catchment,
		facilities: { type: 'FeatureCollection', features: facilityFeatures },
		buildings: { type: 'FeatureCollection', features: buildingFeatures },
		grids
	};
}

export interface SuggestOptions {
	/** greedy (default): k sites one by one; mclp: k sites covering the most, proven; lscp: fewest sites covering all */
	method?: SuggestMethod;
	/** seconds the solver may search (mclp, lscp) */
	timeLimitS?: number;
}

export interface SuggestAnswer {
	reachM: number;
	method: SuggestMethod;
	suggestions: SiteSuggestion[];
	candidates: number;
	/** mclp / lscp: how good the answer is and what the greedy leaves on the table */
	optimal?: OptimalSummary;
}

/** One failing (community, rule): where to put new sites — greedily (k sites, households gained each) or optimally. */
export async function suggestForCell(
	db: Db,
	communityCode: string,
	ruleId: string,
	k: number,
	candidates?: SiteInput[],
	options: SuggestOptions = {}
): Promise<SuggestAnswer> {
	const method = options.method ?? 'greedy';
	if (method !== 'lscp' && (!Number.isInteger(k) || k < 1 || k > 20)) {
		throw new CoverageInputError('bad_parameter', `建议数量须为 1–20 的整数 / k must be an integer 1–20`);
	}
	const state = await getCoverage(db);
	const { ci, rule } = findCell(state, communityCode, ruleId);
	if (rule.kind !== 'distance' || !rule.category) {
		throw new CoverageInputError('not_distance_rule', `规则 ${ruleId} 不是距离规则 / rule ${ruleId} is not a distance rule`);
	}
	const reachM = ruleReachM(rule);
	const k2 = distanceKey(rule.metric ?? 'straight', rule.category);
	const mask = new Uint8Array(state.buildings.ids.length);
	const pool: SiteInput[] = [];
	state.buildingCommunity.forEach((c, i) => {
		if (c !== ci) return;
		mask[i] = 1;
		if (!candidates) pool.push({ lon: state.buildings.lon[i], lat: state.buildings.lat[i], id: state.buildings.ids[i] });
	});
	const sites = candidates ?? pool;
	if (method !== 'greedy') {
		const { suggestions, optimal } = await optimalSites(state.buildings, state.distances.get(k2)!, mask, reachM, sites, {
			method,
			k,
			timeLimitS: options.timeLimitS
		});
		return { reachM, method, candidates: sites.length, suggestions, optimal };
	}
	const picked = suggestSites(state.buildings, state.distances.get(k2)!, reachM, sites, k, mask);
	return {
		reachM,
		method,
		candidates: sites.length,
		suggestions: picked.map((s) => ({ lon: s.lon, lat: s.lat, id: s.id, householdsGained: s.householdsGained, buildingsGained: s.buildingsGained.length }))
	};
}

/** Per-building nearest distance for every category the enabled rules use (CLI --per-building, exports). */
export function perBuildingRows(state: CoverageState, communityCode?: string | null) {
	const keys = [...state.distances.keys()].sort();
	const rows: Record<string, string | number | null>[] = [];
	const ci = communityCode ? state.report.communities.findIndex((c) => c.code === communityCode) : -1;
	for (let i = 0; i < state.buildings.ids.length; i++) {
		const c = state.buildingCommunity[i];
		if (communityCode && c !== ci) continue;
		const row: Record<string, string | number | null> = {
			building: state.buildings.ids[i],
			community: c >= 0 ? state.report.communities[c].code : null,
			households: state.buildings.households[i]
		};
		for (const k of keys) {
			const d = state.distances.get(k)![i];
			row[k] = Number.isFinite(d) ? Math.round(d * 10) / 10 : null;
		}
		rows.push(row);
	}
	return { columns: ['building', 'community', 'households', ...keys], rows };
}
