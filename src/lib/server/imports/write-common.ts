// What every layer's writer shares: the issues it reports, batches paced to the statement budget,
// polygon repair by the database.
import { ImportFileError, type FeatureIssue, type RecordBase } from '$geo/types';
import { issue } from './issue';
import type { Queryable } from '../db';
import { countCommunityBoundaries } from '../layers/hierarchy';
import type { UpsertCounts } from '../layers/types';
import { geomFromWkbHex, pacedBatches } from '../db/sql';
import { writeWkb } from '$geo/tiles/wkb';
import { type ImportRequest, statementMs } from './request';

export interface Issues {
	rejected: FeatureIssue[];
	repaired: FeatureIssue[];
	flagged: FeatureIssue[];
}

export const json = (r: RecordBase) => (r.geometry ? JSON.stringify(r.geometry) : null);

/** A record's geometry as hex WKB (geomFromWkbHex), written once per record however many statements send it. */
const geometryWkb = new WeakMap<RecordBase, string>();
export function wkbHex(r: RecordBase): string | null {
	if (!r.geometry || r.geometry.type === 'GeometryCollection') return null;
	let hex = geometryWkb.get(r);
	if (hex === undefined) geometryWkb.set(r, (hex = Buffer.from(writeWkb(r.geometry)).toString('hex')));
	return hex;
}
/** Writes rows batch by batch (bounded statement size), reporting progress; sums the counts. */
export async function inBatches<T>(rows: T[], req: ImportRequest, write: (batch: T[]) => Promise<UpsertCounts>): Promise<UpsertCounts> {
	const counts = { inserted: 0, updated: 0 };
	await pacedBatches(rows, statementMs(req), async (batch) => {
		const c = await write(batch);
		counts.inserted += c.inserted;
		counts.updated += c.updated;
		req.onProgress?.(counts.inserted + counts.updated, rows.length);
	});
	return counts;
}
export { issue } from './issue';

/** What an issue names a feature by. */
type Located = Pick<RecordBase, 'index' | 'sourceId'>;

/** A geometry ST_MakeValid repairs to nothing: rejected. */
export const repairedToNothing = (r: Located, reason: string | null) =>
	issue(
		r,
		'invalid-geometry',
		`第 ${r.index + 1} 个要素：几何无效（${reason}），修复后为空，已拒绝 / feature ${r.index + 1}: invalid geometry (${reason}) repairs to nothing; rejected`
	);

/** A geometry repaired with ST_MakeValid, reported once: not again when geo/ already reported its self-intersection. */
export function noteRepair(issues: Issues, r: Located, reason: string | null) {
	if (issues.repaired.some((x) => x.index === r.index && x.rule === 'self-intersection')) return;
	issues.repaired.push(
		issue(
			r,
			'make-valid',
			`第 ${r.index + 1} 个要素：几何无效（${reason}），已用 ST_MakeValid 修复 / feature ${r.index + 1}: invalid geometry (${reason}) repaired with ST_MakeValid`
		)
	);
}

/** A building or case outside every community: rejected. */
export const outsideCommunities = (r: Located, what: { zh: string; en: string }) =>
	issue(
		r,
		'outside-communities',
		`第 ${r.index + 1} 个${what.zh}（${r.sourceId}）不在任何社区内 / ${what.en} ${r.index + 1} (${r.sourceId}) lies outside every community`
	);

/**
 * The database's verdict on polygon validity: anything invalid (or flagged by geo/ as
 * self-intersecting) is repaired with ST_MakeValid, keeping only its polygons; a geometry that
 * repairs to nothing is rejected. The "structure" method (outer rings united, holes subtracted) is
 * what a boundary means, and it is fast: the default "linework" method took minutes on a scribbled
 * 6,000-vertex ring on the embedded engine (geo/ refuses rings with very many crossings before that).
 */
export async function repairPolygons<R extends RecordBase>(tx: Queryable, records: R[], issues: Issues, req: ImportRequest): Promise<R[]> {
	const polygons = records.filter((r) => r.geometry && /Polygon$/.test(r.geometry.type));
	if (polygons.length === 0) return records;
	const verdicts = new Map<number, { valid: boolean; reason: string; fixed: string | null; empty: boolean }>();
	await pacedBatches(polygons, statementMs(req), async (batch) => {
		const rows = await tx.query<{ i: number; valid: boolean; reason: string; fixed: string | null; empty: boolean }>(
			`SELECT r.i, x.valid, CASE WHEN x.valid THEN 'Valid Geometry' ELSE ST_IsValidReason(x.g) END AS reason,
				ST_AsGeoJSON(y.f, 9) AS fixed, coalesce(ST_IsEmpty(y.f), false) AS empty
			 FROM jsonb_to_recordset($1::jsonb) AS r(i int, wkb text, fix boolean)
			 CROSS JOIN LATERAL (SELECT g, ST_IsValid(g) AS valid FROM (SELECT ${geomFromWkbHex('r.wkb')} AS g) parsed) x
			 CROSS JOIN LATERAL (SELECT CASE WHEN r.fix OR NOT x.valid
				THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(x.g, 'method=structure'), 3)) END AS f) y`,
			[JSON.stringify(batch.map((r) => ({ i: r.index, wkb: wkbHex(r), fix: r.repair === 'make-valid' })))]
		);
		for (const row of rows) verdicts.set(row.i, row);
	});
	const kept: R[] = [];
	const isPolygon = new Set(polygons.map((r) => r.index));
	for (const r of records) {
		const v = verdicts.get(r.index);
		if (!v && isPolygon.has(r.index)) {
			// No verdict came back (PostGIS failed on this shape): do not store what nobody checked.
			issues.rejected.push(
				issue(
					r,
					'invalid-geometry',
					`第 ${r.index + 1} 个要素：PostGIS 无法检查该几何，已拒绝；请在 GIS 软件中检查 / feature ${r.index + 1}: PostGIS could not check this geometry; rejected — check it in a GIS`
				)
			);
			continue;
		}
		if (!v || !v.fixed) {
			kept.push(r);
			continue;
		}
		if (v.empty) {
			issues.rejected.push(repairedToNothing(r, v.reason));
			continue;
		}
		noteRepair(issues, r, v.reason);
		kept.push({ ...r, geometry: JSON.parse(v.fixed) });
	}
	return kept;
}

export async function requireCommunityBoundaries(tx: Queryable, req: ImportRequest) {
	if ((await countCommunityBoundaries(tx)) === 0) {
		throw new ImportFileError(
			req.fileName,
			'no-communities',
			`图层「${req.layer}」需要社区边界，但数据库中还没有：请先导入社区边界 / the ${req.layer} layer needs community boundaries and there are none yet: import communities first`
		);
	}
}
