// Grid plans (see ./index.ts): export and import.

import type { MultiPolygon, FeatureCollection } from 'geojson';
import { csvDocument } from '../../csv';
import { vertexLimitProblem, countVertices, PLAN_VERTEX_LIMITS, PLAN_VERTICES_PER_REQUEST } from '$geo/validate/limits';
import { parseImportCrs } from '$geo/crs/epsg-codes';
import { ProjectionError } from '$geo/crs/project';
import { ImportFileError } from '$geo/types';
import type { Queryable, Db } from '../db';
import { jobs } from '../jobs/pool';
import { polygonsToShapefileZip } from './shapefile-writer';
import { isUnitCode } from '$geo/units/code';
import type { SaveResult, Areal } from './types';
import { PlanInputError } from './errors';
import { getCommunity, gridsInForce, latestRevision } from './load';
import { type SaveOptions, savePlan } from './save';

interface ExportRow {
	code: string;
	seq: number;
	name: string;
	kind: string;
	households: number;
	buildings: number;
	area_m2: number;
	geom: MultiPolygon;
}

async function exportRows(q: Queryable, community: string, revision: number | null): Promise<ExportRow[]> {
	if (revision === null)
		return q.query<ExportRow>(
			`SELECT g.code, g.seq, g.name, g.kind, coalesce(sum(b.households), 0)::int AS households, count(b.id)::int AS buildings,
				round(ST_Area(g.geom::geography)::numeric, 1)::float8 AS area_m2, ST_AsGeoJSON(g.geom, 7)::json AS geom
			 FROM grids g LEFT JOIN buildings b ON b.grid_code = g.code
			 WHERE g.community_code = $1 GROUP BY g.code ORDER BY g.code`,
			[community]
		);
	const [rev] = await q.query('SELECT 1 FROM plan_revisions WHERE id = $1 AND community_code = $2', [revision, community]);
	if (!rev)
		throw new PlanInputError('unknown_revision', {
			zh: `社区 ${community} 没有第 ${revision} 版方案`,
			en: `community ${community} has no plan revision ${revision}`
		});
	return q.query<ExportRow>(
		`SELECT g.code, g.seq, g.name, g.kind, coalesce(sum(b.households), 0)::int AS households, count(b.id)::int AS buildings,
			round(ST_Area(g.geom::geography)::numeric, 1)::float8 AS area_m2, ST_AsGeoJSON(g.geom, 7)::json AS geom
		 FROM plan_revision_grids g
		 LEFT JOIN plan_revision_buildings p ON p.revision_id = g.revision_id AND p.grid_code = g.code
		 LEFT JOIN buildings b ON b.id = p.building_id
		 WHERE g.revision_id = $1 GROUP BY g.revision_id, g.code ORDER BY g.code`,
		[revision]
	);
}

export const EXPORT_CSV_COLUMNS = [
	'code',
	'community_code',
	'community_name',
	'subdistrict_code',
	'seq',
	'name',
	'kind',
	'households',
	'buildings',
	'area_m2'
] as const;

/** Shapefile (DBF) field names, at most 10 characters, for the GeoJSON/CSV property names. */
export const EXPORT_SHP_FIELDS = {
	code: 'code',
	community_code: 'comm_code',
	community_name: 'comm_name',
	subdistrict_code: 'subd_code',
	seq: 'seq',
	name: 'name',
	kind: 'kind',
	households: 'households',
	buildings: 'buildings',
	area_m2: 'area_m2'
} as const;

export interface ExportFile<B> {
	body: B;
	contentType: string;
	fileName: string;
}
export async function exportPlan(q: Queryable, communityCode: string, format: 'geojson' | 'csv', revision?: number | null): Promise<ExportFile<string>>;
export async function exportPlan(q: Queryable, communityCode: string, format: 'shp', revision?: number | null): Promise<ExportFile<Uint8Array>>;
export async function exportPlan(
	q: Queryable,
	communityCode: string,
	format: 'geojson' | 'csv' | 'shp',
	revision?: number | null
): Promise<ExportFile<string | Uint8Array>>;
export async function exportPlan(
	q: Queryable,
	communityCode: string,
	format: 'geojson' | 'csv' | 'shp',
	revision: number | null = null
): Promise<ExportFile<string | Uint8Array>> {
	const c = await getCommunity(q, communityCode);
	const rows = await exportRows(q, communityCode, revision);
	const stem = `grids-${communityCode}${revision === null ? '' : `-r${revision}`}`;
	if (format === 'csv') {
		const lines = rows.map((r) => [r.code, communityCode, c.name, c.subdistrictCode, r.seq, r.name, r.kind, r.households, r.buildings, r.area_m2]);
		return { body: csvDocument(EXPORT_CSV_COLUMNS, lines), contentType: 'text/csv; charset=utf-8', fileName: `${stem}.csv` };
	}
	if (format === 'shp') {
		if (rows.length === 0)
			throw new PlanInputError('bad_input', { zh: `社区 ${communityCode} 没有网格可导出`, en: `community ${communityCode} has no grids to export` });
		const F = EXPORT_SHP_FIELDS;
		const features = rows.map((r) => ({
			geometry: r.geom,
			properties: {
				[F.code]: r.code,
				[F.community_code]: communityCode,
				[F.community_name]: c.name,
				[F.subdistrict_code]: c.subdistrictCode,
				[F.seq]: r.seq,
				[F.name]: r.name,
				[F.kind]: r.kind,
				[F.households]: r.households,
				[F.buildings]: r.buildings,
				[F.area_m2]: r.area_m2
			}
		}));
		return { body: await polygonsToShapefileZip(features, stem), contentType: 'application/zip', fileName: `${stem}.zip` };
	}
	const fc: FeatureCollection = {
		type: 'FeatureCollection',
		features: rows.map((r) => ({
			type: 'Feature',
			properties: {
				code: r.code,
				community_code: communityCode,
				community_name: c.name,
				subdistrict_code: c.subdistrictCode,
				seq: r.seq,
				name: r.name,
				kind: r.kind,
				households: r.households,
				buildings: r.buildings,
				area_m2: r.area_m2
			},
			geometry: r.geom
		}))
	};
	return { body: JSON.stringify(fc), contentType: 'application/geo+json; charset=utf-8', fileName: `${stem}.geojson` };
}

/**
 * A grid layout from a GeoJSON file into a new draft revision, validated like any save. Features
 * carry `code` (or 编码 / grid_code), `name` (名称), `kind` (类型); features without a code are
 * numbered west→east, north→south after the highest code in use, keeping the codes of grids in force
 * they mostly cover.
 */
export async function importPlanFile(
	db: Db,
	communityCode: string,
	/** A GeoJSON text, or the file's bytes (GeoJSON or a zipped Shapefile, told apart by content). */
	file: { name: string; text?: string; bytes?: Uint8Array; crs?: string },
	input: { note?: unknown; baseRevision?: unknown },
	opts: SaveOptions
): Promise<SaveResult> {
	// an unknown community is refused before the file is read
	await getCommunity(db, communityCode);
	const parsedCrs = parseImportCrs(file.crs ?? 'wgs84');
	if (!parsedCrs.ok) throw new PlanInputError('bad_input', parsedCrs.text, [{ field: 'crs', code: 'bad_crs', ...parsedCrs.text }]);
	let fc: FeatureCollection;
	try {
		fc = (await jobs().run('readLayout', [{ name: file.name, text: file.text, bytes: file.bytes }, parsedCrs.crs], { kind: 'plan' })).result;
	} catch (err) {
		if (err instanceof ImportFileError) {
			const [zh, en] = err.message.split(' / ');
			throw new PlanInputError(err.rule === 'plan-too-large' ? 'plan_too_large' : 'bad_file', { zh: zh ?? err.message, en: en ?? err.message });
		}
		if (err instanceof ProjectionError) {
			throw new PlanInputError('bad_file', { zh: `第 ${err.index + 1} 个要素：${err.text.zh}`, en: `feature ${err.index + 1}: ${err.text.en}` });
		}
		throw err;
	}
	const pick = (p: Record<string, unknown> | null, keys: string[]) => {
		for (const k of keys) if (p && p[k] !== undefined && p[k] !== null && p[k] !== '') return p[k];
		return undefined;
	};
	const items = fc.features.map((f) => ({
		code: pick(f.properties, ['code', 'grid_code', '编码', '网格编码']),
		name: pick(f.properties, ['name', '名称', '网格名称']),
		kind: pick(f.properties, ['kind', '类型']),
		geometry: f.geometry
	}));
	const kindOf = (k: unknown) => (k === '专属网格' || k === '专属' ? 'dedicated' : k === '基础网格' || k === '基础' ? 'basic' : k);
	const withCode = items.filter((i) => i.code !== undefined);
	const without = items.filter((i) => i.code === undefined);
	// Numbering measures overlaps: only for polygons within the vertex limits (the save names the rest).
	const numberable = without.every(
		(i) =>
			i.geometry && (i.geometry.type === 'Polygon' || i.geometry.type === 'MultiPolygon') && !vertexLimitProblem(countVertices(i.geometry), PLAN_VERTEX_LIMITS)
	);
	const fileVertices = items.reduce((sum, i) => sum + countVertices(i.geometry).total, 0);
	if (without.length && numberable && fileVertices <= PLAN_VERTICES_PER_REQUEST) {
		const inForce = await gridsInForce(db, communityCode);
		const fileCodes = new Set(withCode.map((i) => String(i.code)));
		const previous = inForce.filter((g) => !fileCodes.has(g.code)).map((g) => ({ code: g.code, geometry: g.geometry }));
		const maxSeq = Math.max(
			0,
			...[...fileCodes, ...inForce.map((g) => g.code)].filter((c) => isUnitCode(c, 'grid') && c.startsWith(communityCode)).map((c) => Number(c.slice(-3)))
		);
		const { result: numbered } = await jobs().run('numberLayout', [communityCode, without.map((i) => i.geometry as Areal), previous], { kind: 'plan' });
		// A grid mostly covering a grid in force keeps its code; the others take numbers above every
		// code in use (in force or in the file), west→east, north→south, so no retired code is reused.
		let next = maxSeq + 1;
		for (const n of numbered) without[n.index].code = n.kept ?? communityCode + String(next++).padStart(3, '0');
	}
	const grids = items.map((i) => ({
		type: 'Feature',
		properties: { code: i.code === undefined ? undefined : String(i.code), name: i.name, kind: kindOf(i.kind) },
		geometry: i.geometry
	}));
	const latest = await latestRevision(db, communityCode);
	const base = input.baseRevision === undefined ? (latest?.id ?? null) : input.baseRevision;
	return savePlan(
		db,
		communityCode,
		{
			grids: { type: 'FeatureCollection', features: grids },
			status: 'draft',
			note: input.note ?? `导入 ${file.name} / imported ${file.name}`,
			baseRevision: base
		},
		{ ...opts, source: 'import' }
	);
}
