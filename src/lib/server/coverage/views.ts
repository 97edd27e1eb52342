// Views over the computed coverage (coverage.ts): the printable report's pages (one A4 page per
// community) and the detail of a capacity rule's cell.
import type { Geometry } from 'geojson';
import { isJudged } from '$geo/coverage';
import { reaches } from '$geo/capacity';
import type { Db } from '../db';
import { ruleReachM } from './rules';
import { filterReport, findCell, getCoverage, type ReportFilter } from '.';
import type { CapacityCellDetail, ReportPage } from '../../coverage/types';

export type { CapacityCellDetail, ReportPage };

/** null when the rule is not a capacity rule (then cellDetail answers). At most 500 facilities, largest shortfall first. */
export async function capacityCellDetail(db: Db, communityCode: string, ruleId: string): Promise<CapacityCellDetail | null> {
	const state = await getCoverage(db);
	const { ci, rule, cell, community } = findCell(state, communityCode, ruleId);
	if (rule.kind !== 'capacity') return null;
	const reachesOf = state.capacity.reaches.get(rule.id);
	const facilities = (state.capacity.facilities.get(rule.id) ?? [])
		.filter((f) => reachesOf !== undefined && reaches(reachesOf, f.index, ci))
		.map(({ index: _, ...f }) => f)
		.sort((a, b) => (b.shortfall ?? -1) - (a.shortfall ?? -1) || a.id.localeCompare(b.id))
		.slice(0, 500);
	return { kind: 'capacity', community, rule, cell, reachM: ruleReachM(rule), facilities };
}

/** One printable page per community (the filter must narrow a big city to at most maxPages). */
export async function reportPages(db: Db, filter: ReportFilter, maxPages = 80): Promise<{ pages: ReportPage[]; truncated: number; computedAt: string }> {
	const state = await getCoverage(db);
	const report = filterReport(state.report, filter);
	// Listed communities with no mapped buildings have nothing to report, unless asked for by code.
	const mapped = new Set(report.cells.filter((c) => c.buildings > 0).map((c) => c.community));
	const communities = report.communities.filter((c) => filter.community || mapped.has(c.code)).slice(0, maxPages);
	const codes = communities.map((c) => c.code);
	const boundaries = await db.query<{ code: string; geom: Geometry | null }>(
		'SELECT code, ST_AsGeoJSON(geom, 6)::json AS geom FROM communities WHERE code = ANY($1::text[])',
		[codes]
	);
	const buildingRows = await db.query<{ source_id: string; community_code: string; geom: Geometry }>(
		'SELECT source_id, community_code, ST_AsGeoJSON(geom, 6)::json AS geom FROM buildings WHERE community_code = ANY($1::text[])',
		[codes]
	);
	// Per building, how many judged rules leave it uncovered (a rule whose category has no facility in
	// the data, or a community without household data, judges nothing and counts for no building).
	const missed = new Map<string, number>();
	const ruleIds = new Set(report.rules.map((r) => r.id));
	const wanted = new Set(communities.map((c) => state.report.communities.indexOf(c)));
	for (const ruleId of ruleIds) {
		for (const unit of wanted) {
			const res = state.results.brief(ruleId, unit);
			if (!res || !isJudged(res.status)) continue;
			for (const i of state.results.uncoveredOf(ruleId, unit)) missed.set(state.buildings.ids[i], (missed.get(state.buildings.ids[i]) ?? 0) + 1);
		}
	}
	const rules = new Map(report.rules.map((r) => [r.id, r]));
	const pages = communities.map((community) => ({
		community,
		cells: report.cells
			.filter((c) => c.community === community.code)
			.map((c) => {
				const r = rules.get(c.rule)!;
				return {
					...c,
					ruleName: r.nameZh,
					ruleNameEn: r.nameEn,
					kind: r.kind,
					reachM: r.kind === 'service_space' ? null : ruleReachM(r),
					requiredSharePct: r.requiredSharePct,
					spacePer100HouseholdsM2: r.spacePer100HouseholdsM2,
					demandBasis: r.demandBasis,
					demandPer: r.demandPer,
					capacityPer: r.capacityPer,
					source: r.source,
					sourceStatus: r.status
				};
			}),
		boundary: boundaries.find((b) => b.code === community.code)?.geom ?? null,
		buildings: buildingRows.filter((b) => b.community_code === community.code).map((b) => ({ geom: b.geom, missed: missed.get(b.source_id) ?? 0 }))
	}));
	return { pages, truncated: Math.max(0, (filter.community ? report.communities.length : mapped.size) - communities.length), computedAt: report.computedAt };
}
