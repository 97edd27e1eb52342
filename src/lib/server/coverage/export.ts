// Coverage results as files: CSV (one row per community × rule) and GeoJSON (one feature per
// community with its boundary and, per rule, status / share / households short).
import { csvDocument } from '../../csv';
import type { Geometry } from 'geojson';
import type { Queryable } from '../db';
import type { CoverageCell, CoverageReport } from '.';
import { WALK_SPEED_M_PER_MIN } from '$geo/network/speed';

export const CSV_COLUMNS = [
	'subdistrict_code',
	'subdistrict_name',
	'community_code',
	'community_name',
	'rule_id',
	'rule_name',
	'level',
	'metric',
	'metric_used',
	'max_distance_m',
	'required_share',
	'households_total',
	'households_covered',
	'share',
	'households_short',
	'buildings',
	'buildings_uncovered',
	'status',
	'pass',
	'capacity_required',
	'capacity_available',
	'capacity_short',
	'capacity_unit'
] as const;

/** Capacity rules: required and available capacity and the shortfall, in the rule's unit (blank otherwise). */
function capacityColumns(cell: CoverageCell): (string | number)[] {
	const c = cell.capacity;
	if (!c) return ['', '', '', ''];
	const round = (v: number | null) => (v === null ? '' : Math.round(v * 100) / 100);
	return [round(c.required), round(c.required === null ? null : c.supply), c.shortfall ?? '', c.unitZh];
}

export function coverageCsv(report: CoverageReport): string {
	const rules = new Map(report.rules.map((r) => [r.id, r]));
	const communities = new Map(report.communities.map((c) => [c.code, c]));
	const rows = report.cells.map((cell) => {
		const r = rules.get(cell.rule)!;
		const c = communities.get(cell.community)!;
		const reach = r.maxDistanceM ?? (r.maxMinutes !== null ? r.maxMinutes * (r.walkSpeedMPerMin ?? WALK_SPEED_M_PER_MIN) : null);
		return [
			c.subdistrictCode,
			c.subdistrictName,
			c.code,
			c.name,
			r.id,
			r.nameZh,
			r.level,
			r.metric ?? '',
			cell.metricUsed ?? '',
			reach ?? '',
			r.requiredSharePct / 100,
			cell.householdsTotal,
			cell.householdsCovered,
			cell.share === null ? '' : Math.round(cell.share * 10000) / 10000,
			cell.householdsShort,
			cell.buildings,
			cell.uncovered,
			cell.status,
			cell.status === 'pass' ? 'true' : cell.status === 'fail' ? 'false' : '',
			...capacityColumns(cell)
		];
	});
	return csvDocument(CSV_COLUMNS, rows);
}

export async function coverageGeoJSON(q: Queryable, report: CoverageReport): Promise<GeoJSON.FeatureCollection> {
	const codes = report.communities.map((c) => c.code);
	const geoms = await q.query<{ code: string; geom: Geometry | null }>(
		'SELECT code, ST_AsGeoJSON(geom, 7)::json AS geom FROM communities WHERE code = ANY($1::text[])',
		[codes]
	);
	const geomOf = new Map(geoms.map((g) => [g.code, g.geom]));
	const byCommunity = new Map<string, Record<string, unknown>>();
	for (const cell of report.cells) {
		const props = byCommunity.get(cell.community) ?? {};
		props[`${cell.rule}.status`] = cell.status;
		props[`${cell.rule}.share`] = cell.share;
		props[`${cell.rule}.households_short`] = cell.householdsShort;
		if (cell.capacity) props[`${cell.rule}.capacity_short`] = cell.capacity.shortfall;
		byCommunity.set(cell.community, props);
	}
	return {
		type: 'FeatureCollection',
		features: report.communities.map((c) => ({
			type: 'Feature',
			geometry: geomOf.get(c.code) ?? null,
			properties: {
				code: c.code,
				name: c.name,
				subdistrict_code: c.subdistrictCode,
				subdistrict_name: c.subdistrictName,
				illustrative: c.illustrative,
				rules_passed: report.cells.filter((x) => x.community === c.code && x.status === 'pass').length,
				rules_failed: report.cells.filter((x) => x.community === c.code && x.status === 'fail').length,
				...byCommunity.get(c.code)
			}
		}))
	} as GeoJSON.FeatureCollection;
}
