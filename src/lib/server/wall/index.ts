// The wall screen's numbers (issue 8). Two parts:
// - wallBase: what changes rarely — the unit's facts, its communities (with boxes for the tour),
//   coverage compliance per community and the 15-minute life circle; loaded with the page.
// - wallLive: what the case stream changes — the KPIs (today, in progress, overdue, rates, by
//   category, 7 days, 12 months) and the latest cases of the unit; asked for again (debounced) when
//   the stream reports new cases.
// Every case figure is of the reader's jurisdiction only (scope): a leader of one community on its
// subdistrict's wall sees the subdistrict's boundaries, facts and coverage, but only its own cases.
import type { Db, Queryable } from '../db';
import { caseScopeSql, type Scope } from '../auth/scope';
import { unitInside } from '../../auth/capabilities';
import { caseCategories, caseKpis } from '../cases/analysis';
import { CASE_VIEW_COLUMNS } from '../cases';
import { filterReport, getCoverage } from '../coverage';
import { lifeCircles } from '../coverage/life-circle';
import { categoriesByCode } from '../layers/facilities';
import { CITY_CODE, unitFacts } from '../map/units';
import type { BBox } from '../map/geojson';
import { isUnitCode } from '$geo/units/code';
import type { WallBase, WallCase, WallCommunity, WallCompliance, WallLive } from '../../wall/types';

export type { WallBase, WallCase, WallCommunity, WallCompliance, WallLive };

/**
 * The reader's units, named, when they are narrower than the wall's unit (null: the whole city) —
 * the wall then says its case figures cover only these; null when they cover the whole unit.
 */
export async function wallScope(q: Queryable, code: string | null, scope: Scope): Promise<{ code: string; name: string }[] | null> {
	if (scope === null || (code !== null && unitInside(scope, code))) return null;
	const rows = await q.query<{ code: string; name: string }>(
		`SELECT code, name FROM subdistricts WHERE code = ANY($1::text[])
		 UNION ALL SELECT code, name FROM communities WHERE code = ANY($1::text[])
		 UNION ALL SELECT code, name FROM grids WHERE code = ANY($1::text[])`,
		[scope]
	);
	const names = new Map(rows.map((r) => [r.code, r.name]));
	return scope.map((u) => ({ code: u, name: names.get(u) ?? u }));
}

/** A 9-digit subdistrict code, or null for the whole city. */
export const isWallUnit = (code: string) => isUnitCode(code, 'subdistrict');

export async function wallBase(db: Db, code: string | null): Promise<WallBase | null> {
	const facts = await unitFacts(db, code ?? CITY_CODE);
	if (!facts) return null;
	const rows = await db.query<{ code: string; name: string; minx: number | null; miny: number; maxx: number; maxy: number }>(
		`SELECT c.code, c.name, ST_XMin(c.geom) AS minx, ST_YMin(c.geom) AS miny, ST_XMax(c.geom) AS maxx, ST_YMax(c.geom) AS maxy
		 FROM communities c WHERE c.geom IS NOT NULL ${code ? 'AND c.subdistrict_code = $1' : ''} ORDER BY c.code`,
		code ? [code] : []
	);
	const communities = rows.map((r) => ({
		code: r.code,
		name: r.name,
		bbox: r.minx === null ? null : ([r.minx, r.miny, r.maxx, r.maxy] as BBox)
	}));

	const report = filterReport((await getCoverage(db)).report, { subdistrict: code });
	// Communities on the map only: a code list names many more (no boundary, no buildings: no data).
	const mapped = new Set(communities.map((c) => c.code));
	const compliance: WallCompliance[] = report.communities
		.filter((c) => mapped.has(c.code))
		.map((c) => {
			// Data gaps (no facility of the category, or none recording its capacity) are not judged.
			const cells = report.cells.filter((x) => x.community === c.code && x.status !== 'no_facilities' && x.status !== 'no_capacity');
			const passed = cells.filter((x) => x.status === 'pass').length;
			const noData = cells.filter((x) => x.status === 'no_data').length;
			return { code: c.code, name: c.name, passed, rules: cells.length, noData, meetsAll: cells.length > 0 && passed === cells.length };
		});
	const withResult = compliance.filter((c) => c.rules > 0 && c.noData < c.rules);
	const meetingAll = { count: compliance.filter((c) => c.meetsAll).length, total: withResult.length };

	let lifeCircle: WallBase['lifeCircle'] = null;
	try {
		const life = await lifeCircles(db);
		let households = 0,
			total = 0;
		for (const c of life.communities) {
			if (code && c.subdistrictCode !== code) continue;
			const l15 = c.levels.find((l) => l.level === '15min');
			total += c.households;
			if (l15?.completeShare != null) households += Math.round(l15.completeShare * c.households);
		}
		lifeCircle = { households, total, share: total > 0 ? households / total : null };
	} catch {
		// No walking network yet: the KPI shows "—".
	}
	const missingFacilities = await categoriesByCode(db, report.missingCategories);
	return { facts, communities, compliance, meetingAll, lifeCircle, categories: await caseCategories(db), missingFacilities };
}

export async function wallLive(q: Queryable, code: string | null, scope: Scope, now = new Date(), latest = 30): Promise<WallLive> {
	// Rows of the wall's unit that lie inside the reader's jurisdiction.
	const within = (params: unknown[], alias = '') => caseScopeSql(code ? [code] : null, params, alias) + caseScopeSql(scope, params, alias);
	const k = await caseKpis(q, now, code, scope, { byGrid: false });
	const weekParams: unknown[] = [new Date(now.getTime() - 7 * 86400_000), now];
	const week = await q.query<{ category: string; n: number }>(
		`SELECT category, count(*)::int AS n FROM cases
		 WHERE reported_at >= $1 AND reported_at <= $2${within(weekParams)} GROUP BY category`,
		weekParams
	);
	const latestParams: unknown[] = [latest];
	const rows = await q.query<WallCase & { reported_at: string | Date }>(
		`SELECT ${CASE_VIEW_COLUMNS} FROM cases c WHERE true${within(latestParams, 'c.')}
		 ORDER BY c.reported_at DESC, c.id DESC LIMIT $1`,
		latestParams
	);
	return {
		at: now.toISOString(),
		today: k.today,
		inProgress: k.inProgress,
		overdue: k.overdue,
		due: k.due,
		closedOfDue: k.closedOfDue,
		onTime: k.onTime,
		closureRate: k.closureRate,
		onTimeRate: k.onTimeRate,
		byCategory: week
			.map((w) => ({ code: w.category, week: w.n, today: k.byCategory[w.category]?.today ?? 0 }))
			.sort((a, b) => b.week - a.week || a.code.localeCompare(b.code)),
		byDay: k.byDay,
		byMonth: k.byMonth,
		latest: rows.map((r) => ({
			id: r.id,
			category: r.category,
			status: r.status,
			reported_at: new Date(r.reported_at).toISOString(),
			community_code: r.community_code,
			grid_code: r.grid_code,
			description: r.description
		}))
	};
}
