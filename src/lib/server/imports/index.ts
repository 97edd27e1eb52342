// One import = one file, one layer, one transaction. geo/ parses, converts and checks the file;
// this module adds the checks only the database can make (validity via ST_MakeValid, containment in
// communities, known categories and subdistricts) and writes everything or nothing.
import { GridAtlasError } from '../../../../geo/errors';
import { jobs } from '../jobs/pool';
import { archiveLimits } from '../../../../geo/archive';
import { shown, storable, storableText } from '../../../../geo/import/text';
import {
	DEFAULT_HOUSEHOLD_OPTIONS,
	ImportFileError,
	type ImportCrs,
	type FeatureIssue,
	type HouseholdEstimateOptions,
	type LayerName,
	type LayerRecordMap,
	type ParsedLayer,
	type ParseOptions,
	type RecordBase,
	type SheetOptions,
	type SourceFormat
} from '../../../../geo/types';
import type { Db, Queryable } from '../db';
import { applyRegister, upsertBuildings } from '../layers/buildings';
import { implausibleMessage, implausibleReasons } from '../../../../geo/households/plausibility';
import { upsertCases } from '../cases';
import { afterCaseCommit } from '../cases/events';
import { listCategories, loadTagMapping } from '../layers/facilities';
import { upsertFacilities } from '../layers/facilities';
import {
	countCommunityBoundaries,
	locateInHierarchy,
	missingSubdistricts,
	nextGridSeq,
	placeGrids,
	reassignToHierarchy,
	refreshHouseholdEstimates,
	upsertCommunities,
	upsertGrids,
	upsertSubdistricts
} from '../layers/hierarchy';
import type { UpsertCounts } from '../layers/types';
import { rebuildWalkNetwork, upsertRoads } from '../layers/roads';
import { upsertLandcover } from '../layers/landcover';
import { geomFromJson, pacedBatches, statementTargetMs } from '../db/sql';

export const DEFAULT_MAX_IMPORT_BYTES = 200 * 1024 * 1024;

export class ImportLimitError extends GridAtlasError {
	constructor(
		public readonly file: string,
		public readonly bytes: number,
		public readonly limit: number
	) {
		super(
			`${file}: 文件大小 ${(bytes / 1048576).toFixed(1)} MB 超过上限 ${(limit / 1048576).toFixed(0)} MB，请拆分文件或调整 GRIDATLAS_MAX_IMPORT_MB / ` +
				`file is ${(bytes / 1048576).toFixed(1)} MB, over the ${(limit / 1048576).toFixed(0)} MB limit: split it or raise GRIDATLAS_MAX_IMPORT_MB`,
			{ code: 'file_too_large', status: 413 }
		);
		this.name = 'ImportLimitError';
	}
}

/** --strict: any rejected feature refuses the whole file. */
export class ImportRejectedError extends GridAtlasError {
	constructor(
		public readonly file: string,
		public readonly rejected: FeatureIssue[]
	) {
		super(
			`${file}: ${rejected.length} 个要素被拒绝，严格模式下整个文件未导入 / ${rejected.length} features rejected; in strict mode nothing was imported. ` +
				`First: ${rejected[0]?.message ?? ''}`,
			{ code: 'features_rejected', status: 422 }
		);
		this.name = 'ImportRejectedError';
	}
}

export interface ImportRequest {
	fileName: string;
	bytes: Uint8Array;
	layer: LayerName;
	crs?: ImportCrs;
	dryRun?: boolean;
	strict?: boolean;
	/**
	 * How long one write statement should take (ms): set by importFile from the engine — short on the
	 * embedded engine, which runs statements on the request thread; unbounded on a server.
	 */
	statementMs?: number;
	/** Mark written boundaries as illustrative (示意), as the demo city does. */
	illustrative?: boolean;
	csv?: { lon?: string; lat?: string; delimiter?: string };
	sheet?: SheetOptions;
	households?: Partial<HouseholdEstimateOptions>;
	/** Accept province-99 codes (a synthetic city written by `gridatlas synth --out`). */
	syntheticCodes?: boolean;
	maxBytes?: number;
	onProgress?: (done: number, total: number) => void;
}

export interface ImportSummary {
	fileName: string;
	layer: LayerName;
	crs: ImportCrs;
	format: SourceFormat;
	/** Excel: the sheet read and its header row (from 1). */
	sheet?: { name: string; headerRow: number };
	read: number;
	written: number;
	/** Of the written: new rows, and rows that already existed (same code / source id) and were updated. */
	inserted: number;
	updated: number;
	repaired: number;
	rejected: number;
	repairedIssues: FeatureIssue[];
	rejectedIssues: FeatureIssue[];
	/** Written but worth a look: buildings whose household count does not fit their size (geo/households/plausibility). */
	flaggedIssues: FeatureIssue[];
	dryRun: boolean;
	durationMs: number;
}

class DryRunRollback extends Error {}

async function parseOffThread(bytes: Uint8Array, options: ParseOptions & { layer: LayerName }): Promise<ParsedLayer> {
	const { result, parts } = await jobs().run('parseImport', [bytes, options], { kind: 'import' });
	return { ...result, records: (parts as ParsedLayer['records'][]).flat() } as ParsedLayer;
}

const statementMs = (req: ImportRequest) => req.statementMs ?? Infinity;

export function maxImportBytes(): number {
	const mb = Number(process.env.GRIDATLAS_MAX_IMPORT_MB);
	return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : DEFAULT_MAX_IMPORT_BYTES;
}

export async function importFile(db: Db, request: ImportRequest): Promise<ImportSummary> {
	const started = Date.now();
	// The name is stored (import_runs, source_file): without what PostgreSQL cannot hold.
	const req = { ...request, fileName: storableText(request.fileName), statementMs: request.statementMs ?? statementTargetMs(db) };
	const crs = req.crs ?? 'wgs84';
	const limit = req.maxBytes ?? maxImportBytes();
	if (req.bytes.byteLength > limit) throw new ImportLimitError(req.fileName, req.bytes.byteLength, limit);

	// Reading, converting and checking a file grows with its size: on a worker thread, under the import
	// job budget; the records come back in parts so taking them in never holds this thread for long.
	const parsed = await parseOffThread(req.bytes, {
		layer: req.layer,
		crs,
		fileName: req.fileName,
		tagMapping: req.layer === 'facilities' ? await loadTagMapping(db) : undefined,
		csv: req.csv,
		sheet: req.sheet,
		households: { ...DEFAULT_HOUSEHOLD_OPTIONS, ...(await householdSettings(db)), ...req.households },
		syntheticCodes: req.syntheticCodes,
		archiveLimits: archiveLimits(limit)
	});
	const issues: Issues = { rejected: [...parsed.rejected], repaired: [...parsed.repaired], flagged: [] };
	let counts: UpsertCounts = { inserted: 0, updated: 0 };

	try {
		await db.transaction(async (tx) => {
			counts = await writeLayer(tx, parsed, issues, req);
			if (req.strict && issues.rejected.length > 0) throw new ImportRejectedError(req.fileName, issues.rejected);
			if (req.dryRun) throw new DryRunRollback();
			await tx.query(
				`INSERT INTO import_runs (file_name, layer, crs, format, features_read, written, repaired, rejected, issues)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
				[
					req.fileName,
					req.layer,
					crs,
					parsed.format,
					parsed.read,
					counts.inserted + counts.updated,
					issues.repaired.length,
					issues.rejected.length,
					JSON.stringify(storable({ rejected: issues.rejected.slice(0, 1000), repaired: issues.repaired.slice(0, 1000) }))
				]
			);
		});
	} catch (err) {
		if (!(err instanceof DryRunRollback)) throw err;
	}
	if (!req.dryRun && req.layer === 'cases') afterCaseCommit(db); // the live case stream

	const byIndex = (a: FeatureIssue, b: FeatureIssue) => a.index - b.index;
	return {
		fileName: req.fileName,
		layer: req.layer,
		crs,
		format: parsed.format,
		sheet: parsed.sheet,
		read: parsed.read,
		written: counts.inserted + counts.updated,
		inserted: counts.inserted,
		updated: counts.updated,
		repaired: issues.repaired.length,
		rejected: issues.rejected.length,
		repairedIssues: issues.repaired.sort(byIndex),
		rejectedIssues: issues.rejected.sort(byIndex),
		flaggedIssues: issues.flagged.sort(byIndex),
		dryRun: !!req.dryRun,
		durationMs: Date.now() - started
	};
}

async function householdSettings(db: Queryable): Promise<Partial<HouseholdEstimateOptions>> {
	const rows = await db.query<{ value: Partial<HouseholdEstimateOptions> }>(`SELECT value FROM app_settings WHERE key = 'households'`);
	return rows[0]?.value ?? {};
}

interface Issues {
	rejected: FeatureIssue[];
	repaired: FeatureIssue[];
	flagged: FeatureIssue[];
}

type Writer<L extends LayerName> = (tx: Queryable, records: LayerRecordMap[L][], issues: Issues, req: ImportRequest) => Promise<UpsertCounts>;

const writers: { [L in LayerName]: Writer<L> } = {
	subdistricts: writeSubdistricts,
	communities: writeCommunities,
	grids: writeGrids,
	buildings: writeBuildings,
	facilities: writeFacilities,
	roads: writeRoads,
	landcover: writeLandcover,
	cases: writeCases,
	registers: writeRegisters
};

async function writeLayer(tx: Queryable, parsed: ParsedLayer, issues: Issues, req: ImportRequest) {
	const records = await repairPolygons(tx, parsed.records as RecordBase[], issues, req);
	const writer = writers[parsed.layer] as Writer<LayerName>;
	return writer(tx, records as never, issues, req);
}

const json = (r: RecordBase) => (r.geometry ? JSON.stringify(r.geometry) : null);
/** Writes rows batch by batch (bounded statement size), reporting progress; sums the counts. */
async function inBatches<T>(rows: T[], req: ImportRequest, write: (batch: T[]) => Promise<UpsertCounts>): Promise<UpsertCounts> {
	const counts = { inserted: 0, updated: 0 };
	await pacedBatches(rows, statementMs(req), async (batch) => {
		const c = await write(batch);
		counts.inserted += c.inserted;
		counts.updated += c.updated;
		req.onProgress?.(counts.inserted + counts.updated, rows.length);
	});
	return counts;
}
const issue = (r: RecordBase & { code?: string }, rule: string, message: string): FeatureIssue => ({
	index: r.index,
	id: r.code ?? r.sourceId,
	rule,
	message
});

/**
 * The database's verdict on polygon validity: anything invalid (or flagged by geo/ as
 * self-intersecting) is repaired with ST_MakeValid, keeping only its polygons; a geometry that
 * repairs to nothing is rejected. The "structure" method (outer rings united, holes subtracted) is
 * what a boundary means, and it is fast: the default "linework" method took minutes on a scribbled
 * 6,000-vertex ring on the embedded engine (geo/ refuses rings with very many crossings before that).
 */
async function repairPolygons<R extends RecordBase>(tx: Queryable, records: R[], issues: Issues, req: ImportRequest): Promise<R[]> {
	const polygons = records.filter((r) => r.geometry && /Polygon$/.test(r.geometry.type));
	if (polygons.length === 0) return records;
	const verdicts = new Map<number, { valid: boolean; reason: string; fixed: string | null; empty: boolean }>();
	await pacedBatches(polygons, statementMs(req), async (batch) => {
		const rows = await tx.query<{ i: number; valid: boolean; reason: string; fixed: string | null; empty: boolean }>(
			`SELECT r.i, ST_IsValid(x.g) AS valid, ST_IsValidReason(x.g) AS reason,
				ST_AsGeoJSON(y.f, 9) AS fixed, coalesce(ST_IsEmpty(y.f), false) AS empty
			 FROM jsonb_to_recordset($1::jsonb) AS r(i int, geom text, fix boolean)
			 CROSS JOIN LATERAL (SELECT ${geomFromJson('r.geom')} AS g) x
			 CROSS JOIN LATERAL (SELECT CASE WHEN r.fix OR NOT ST_IsValid(x.g)
				THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(x.g, 'method=structure'), 3)) END AS f) y`,
			[JSON.stringify(batch.map((r) => ({ i: r.index, geom: json(r), fix: r.repair === 'make-valid' })))]
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
			issues.rejected.push(
				issue(
					r,
					'invalid-geometry',
					`第 ${r.index + 1} 个要素：几何无效（${v.reason}），修复后为空，已拒绝 / feature ${r.index + 1}: invalid geometry (${v.reason}) repairs to nothing; rejected`
				)
			);
			continue;
		}
		if (!issues.repaired.some((x) => x.index === r.index && x.rule === 'self-intersection')) {
			issues.repaired.push(
				issue(
					r,
					'make-valid',
					`第 ${r.index + 1} 个要素：几何无效（${v.reason}），已用 ST_MakeValid 修复 / feature ${r.index + 1}: invalid geometry (${v.reason}) repaired with ST_MakeValid`
				)
			);
		}
		kept.push({ ...r, geometry: JSON.parse(v.fixed) });
	}
	return kept;
}

async function writeSubdistricts(tx: Queryable, records: LayerRecordMap['subdistricts'][], _issues: Issues, req: ImportRequest) {
	const counts = await upsertSubdistricts(
		tx,
		records.map((r) => ({
			code: r.code,
			name: r.name,
			district_code: r.districtCode ?? null,
			district_name: r.districtName ?? null,
			geom: json(r)
		})),
		{ file: req.fileName, illustrative: !!req.illustrative }
	);
	req.onProgress?.(records.length, records.length);
	return counts;
}

async function writeCommunities(tx: Queryable, records: LayerRecordMap['communities'][], issues: Issues, req: ImportRequest) {
	// Official community lists carry their subdistrict's name: create the subdistrict rows they need.
	const missing = await missingSubdistricts(
		tx,
		records.map((r) => r.subdistrictCode)
	);
	const creatable = new Map<string, string>();
	for (const r of records) if (missing.has(r.subdistrictCode) && r.subdistrictName) creatable.set(r.subdistrictCode, r.subdistrictName);
	if (creatable.size > 0) {
		await upsertSubdistricts(
			tx,
			[...creatable].map(([code, name]) => ({ code, name, geom: null })),
			{ file: req.fileName, illustrative: false }
		);
	}
	const accepted = records.filter((r) => {
		if (!missing.has(r.subdistrictCode) || creatable.has(r.subdistrictCode)) return true;
		issues.rejected.push(
			issue(
				r,
				'unknown-subdistrict',
				`社区 ${r.code} ${r.name}：所属街道 ${r.subdistrictCode} 不存在，请先导入街道 / community ${r.code}: subdistrict ${r.subdistrictCode} does not exist; import the subdistricts first`
			)
		);
		return false;
	});
	const counts = await inBatches(accepted, req, (batch) =>
		upsertCommunities(
			tx,
			batch.map((r) => ({
				code: r.code,
				name: r.name,
				subdistrict_code: r.subdistrictCode,
				households: r.households ?? null,
				households_estimated: !!r.householdsEstimated,
				population: r.population ?? null,
				population_estimated: !!r.populationEstimated,
				service_space_m2: r.serviceSpaceM2 ?? null,
				geom: json(r)
			})),
			{ file: req.fileName, illustrative: !!req.illustrative }
		)
	);
	if (accepted.some((r) => r.geometry)) {
		await reassignToHierarchy(tx);
		await refreshHouseholdEstimates(tx);
	}
	return counts;
}

async function requireCommunityBoundaries(tx: Queryable, req: ImportRequest) {
	if ((await countCommunityBoundaries(tx)) === 0) {
		throw new ImportFileError(
			req.fileName,
			'no-communities',
			`图层「${req.layer}」需要社区边界，但数据库中还没有：请先导入社区边界 / the ${req.layer} layer needs community boundaries and there are none yet: import communities first`
		);
	}
}

async function writeGrids(tx: Queryable, records: LayerRecordMap['grids'][], issues: Issues, req: ImportRequest) {
	await requireCommunityBoundaries(tx, req);
	const placements = await placeGrids(
		tx,
		records.map((r) => ({ i: r.index, code: r.code ?? null, geom: json(r)! }))
	);
	const byIndex = new Map(placements.map((p) => [p.i, p]));
	const placed: { r: LayerRecordMap['grids']; community: string; west: number; north: number }[] = [];
	for (const r of records) {
		const p = byIndex.get(r.index);
		const label = shown(r.code ?? r.name ?? `#${r.index + 1}`, 40);
		if (!p) {
			issues.rejected.push(
				issue(r, 'invalid-geometry', `网格 ${label}：PostGIS 无法定位该几何，已拒绝 / grid ${label}: PostGIS could not place this geometry; rejected`)
			);
		} else if (!p.community_code) {
			issues.rejected.push(
				r.code
					? issue(
							r,
							'unknown-community',
							`网格 ${label}：编码前 12 位 ${r.code.slice(0, 12)} 不是已有边界的社区 / grid ${label}: its first 12 digits ${r.code.slice(0, 12)} are not a community with a boundary`
						)
					: issue(r, 'outside-communities', `网格 ${label}：不在任何社区内 / grid ${label} lies outside every community`)
			);
		} else if ((p.outside_share ?? 0) > 0.01) {
			issues.rejected.push(
				issue(
					r,
					'outside-community',
					`网格 ${label}：${((p.outside_share ?? 0) * 100).toFixed(1)}% 的面积超出社区 ${p.community_code}，网格必须位于社区内 / grid ${label}: ${((p.outside_share ?? 0) * 100).toFixed(1)}% of its area lies outside community ${p.community_code}; a grid must lie inside its community`
				)
			);
		} else {
			placed.push({ r, community: p.community_code, west: p.west, north: p.north });
		}
	}
	// Uncoded grids are numbered after the community's existing ones — and after the coded ones of this
	// file, which would otherwise take the same number — west→east, north→south.
	const next = await nextGridSeq(
		tx,
		placed.filter((p) => !p.r.code).map((p) => p.community)
	);
	for (const p of placed) {
		if (p.r.code) next.set(p.community, Math.max(next.get(p.community) ?? 1, Number(p.r.code.slice(12)) + 1));
	}
	const uncodedSeq = new Map<(typeof placed)[number], number>();
	for (const p of placed.filter((p) => !p.r.code).sort((a, b) => b.north - a.north || a.west - b.west)) {
		const seq = next.get(p.community) ?? 1;
		uncodedSeq.set(p, seq);
		next.set(p.community, seq + 1);
	}
	const rows = placed.map((p) => {
		const seq = p.r.code ? Number(p.r.code.slice(12)) : uncodedSeq.get(p)!;
		const code = p.r.code ?? `${p.community}${String(seq).padStart(3, '0')}`;
		return { code, community_code: p.community, seq, name: p.r.name ?? `第${seq}网格`, kind: p.r.kind, geom: json(p.r)! };
	});
	const tooMany = rows.filter((r) => r.seq > 999);
	if (tooMany.length) {
		throw new ImportFileError(
			req.fileName,
			'grid-sequence',
			`社区 ${tooMany[0].community_code} 的网格序号超过 999 / community ${tooMany[0].community_code} would get more than 999 grids`
		);
	}
	const counts = await inBatches(rows, req, (batch) => upsertGrids(tx, batch, { file: req.fileName, illustrative: !!req.illustrative }));
	await reassignToHierarchy(tx);
	return counts;
}

/** Buildings and cases must fall inside a community; both are placed in a community and grid. */
async function placeInCommunities<R extends RecordBase>(tx: Queryable, records: R[], issues: Issues, what: { zh: string; en: string }, req: ImportRequest) {
	const placed: { r: R; community_code: string; grid_code: string | null }[] = [];
	await pacedBatches(records, statementMs(req), async (batch) => {
		const locations = await locateInHierarchy(
			tx,
			batch.map((r) => ({ i: r.index, geom: json(r)! }))
		);
		const byIndex = new Map(locations.map((l) => [l.i, l]));
		for (const r of batch) {
			const loc = byIndex.get(r.index);
			if (!loc?.community_code) {
				issues.rejected.push(
					issue(
						r,
						'outside-communities',
						`第 ${r.index + 1} 个${what.zh}（${r.sourceId}）不在任何社区内 / ${what.en} ${r.index + 1} (${r.sourceId}) lies outside every community`
					)
				);
			} else placed.push({ r, community_code: loc.community_code, grid_code: loc.grid_code });
		}
	});
	return placed;
}

async function writeBuildings(tx: Queryable, records: LayerRecordMap['buildings'][], issues: Issues, req: ImportRequest) {
	await requireCommunityBoundaries(tx, req);
	const placed = await placeInCommunities(tx, records, issues, { zh: '建筑', en: 'building' }, req);
	const counts = await inBatches(placed, req, (batch) =>
		upsertBuildings(
			tx,
			batch.map(({ r, community_code, grid_code }) => ({
				source_id: r.sourceId,
				name: r.name ?? null,
				geom: json(r)!,
				footprint_m2: r.footprintM2,
				levels: r.levels ?? null,
				levels_source: r.levelsSource,
				height_m: r.heightM ?? null,
				households: r.households,
				households_estimated: r.householdsEstimated,
				households_estimate: r.householdsEstimate,
				community_code,
				grid_code
			})),
			req.fileName
		)
	);
	await refreshHouseholdEstimates(tx);
	for (const { r } of placed) {
		const reasons = implausibleReasons({
			households: r.households,
			estimated: r.householdsEstimated,
			footprintM2: r.footprintM2,
			levels: r.levels ?? null,
			name: r.name
		});
		if (reasons.length) issues.flagged.push(issue(r, 'implausible-households', implausibleMessage(r, reasons)));
	}
	return counts;
}

async function writeFacilities(tx: Queryable, records: LayerRecordMap['facilities'][], issues: Issues, req: ImportRequest) {
	const known = new Set((await listCategories(tx)).map((c) => c.code));
	const accepted = records.filter((r) => {
		if (known.has(r.category)) return true;
		issues.rejected.push(
			issue(
				r,
				'unknown-category',
				`第 ${r.index + 1} 个设施：类别「${r.category}」不存在，可用类别：${[...known].join(', ')} / facility ${r.index + 1}: unknown category "${r.category}"`
			)
		);
		return false;
	});
	const counts = await inBatches(accepted, req, (batch) =>
		upsertFacilities(
			tx,
			batch.map((r) => ({
				source_id: r.sourceId,
				category_code: r.category,
				name: r.name ?? null,
				geom: json(r)!,
				area_m2: r.areaM2 ?? null,
				tags: r.tags ?? null,
				attributes: r.attributes ?? null
			})),
			req.fileName
		)
	);
	return counts;
}

/** A register: official counts onto existing buildings and communities; a row naming neither is rejected. */
async function writeRegisters(tx: Queryable, records: LayerRecordMap['registers'][], issues: Issues, req: ImportRequest) {
	let updated = 0;
	await pacedBatches(records, statementMs(req), async (batch) => {
		const result = await applyRegister(
			tx,
			batch.map((r) => ({
				i: r.index,
				building_id: r.buildingId ?? null,
				community_code: r.buildingId ? null : (r.communityCode ?? null),
				households: r.households ?? null,
				population: r.population ?? null
			})),
			req.fileName
		);
		updated += result.updated;
		const byIndex = new Map(batch.map((r) => [r.index, r]));
		for (const u of result.unknown) {
			const r = byIndex.get(u.i)!;
			const row = `${req.fileName} 第 ${r.index + 2} 行`;
			const rowEn = `${req.fileName} row ${r.index + 2}`;
			issues.rejected.push(
				r.buildingId
					? issue(
							r,
							'unknown-building',
							`${row}：楼栋编号 ${shown(r.buildingId, 40)} 不是已导入的建筑，请先导入建筑（编号须与建筑文件的 id 相同） / ${rowEn}: building id ${shown(r.buildingId, 40)} is not an imported building; import the buildings first (the id must be the one in the buildings file)`
						)
					: issue(
							r,
							'unknown-community',
							`${row}：社区编码 ${r.communityCode} 不存在，请先导入社区 / ${rowEn}: community ${r.communityCode} does not exist; import the communities first`
						)
			);
		}
		req.onProgress?.(updated, records.length);
	});
	await refreshHouseholdEstimates(tx);
	return { inserted: 0, updated };
}

async function writeRoads(tx: Queryable, records: LayerRecordMap['roads'][], _issues: Issues, req: ImportRequest) {
	const counts = await inBatches(records, req, (batch) =>
		upsertRoads(
			tx,
			batch.map((r) => ({ source_id: r.sourceId, highway: r.highway, name: r.name ?? null, walkable: r.walkable, geom: json(r)! })),
			req.fileName
		)
	);
	await rebuildWalkNetwork(tx);
	return counts;
}

async function writeLandcover(tx: Queryable, records: LayerRecordMap['landcover'][], _issues: Issues, req: ImportRequest) {
	const counts = await inBatches(records, req, (batch) =>
		upsertLandcover(
			tx,
			batch.map((r) => ({ source_id: r.sourceId, kind: r.kind, name: r.name ?? null, geom: json(r)! })),
			req.fileName
		)
	);
	return counts;
}

async function writeCases(tx: Queryable, records: LayerRecordMap['cases'][], issues: Issues, req: ImportRequest) {
	// The API's rules (src/lib/server/cases/index.ts): categories by code, name or alias; the workflow
	// (no status moving backwards); attribution by the grid layout valid at the reported time; a case
	// outside every community is kept and flagged outside_jurisdiction, not rejected.
	await requireCommunityBoundaries(tx, req);
	return inBatches(records, req, async (batch) => {
		const c = await upsertCases(
			tx,
			batch.map((r) => ({
				source_id: r.sourceId,
				category: r.category,
				status: r.status,
				source: r.source ?? null,
				description: r.description ?? null,
				reported_at: r.reportedAt ?? null,
				geom: json(r)!
			})),
			req.fileName
		);
		for (const e of c.errors) {
			const r = batch[e.index];
			if (!r) continue;
			// The API's messages count items in the batch; name the case by its place in the file instead.
			const id = shown(r.sourceId, 40);
			const message = e.message
				.replace(/^第 \d+ 条(（[^）]*）)?：/, `第 ${r.index + 1} 个案件（${id}）：`)
				.replace(/ \/ item \d+( \([^)]*\))?: /, ` / case ${r.index + 1} (${id}): `);
			issues.rejected.push(issue(r, e.code.replace(/_/g, '-'), `${req.fileName}: ${message}`));
		}
		return { inserted: c.inserted, updated: c.updated };
	});
}
