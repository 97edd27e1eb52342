// Writers of the other layers: buildings, facilities (tag mapping, known categories), household
// registers, roads (and the walking network), land cover and cases.
import { shown } from '$geo/import/text';
import type { LayerRecordMap } from '$geo/types';
import type { Queryable } from '../db';
import { applyRegister, type BuildingColumns, type BuildingPlaces, writeBuildingBatch } from '../layers/buildings';
import { holdBoundaries, placerFor } from '../cases/attribution';
import { upsertCases } from '../cases';
import { listCategories } from '../layers/facilities';
import { upsertFacilities } from '../layers/facilities';
import { placeBuildingsAgain, refreshHouseholdEstimates } from '../layers/hierarchy';
import { rebuildWalkNetwork, upsertRoads } from '../layers/roads';
import { upsertLandcover } from '../layers/landcover';
import { pacedBatches } from '../db/sql';
import { type ImportRequest, statementMs } from './request';
import { inBatches, issue, type Issues, json, noteRepair, outsideCommunities, repairedToNothing, requireCommunityBoundaries } from './write-common';
import { buildingsPart, type BuildingsPart, sliceColumns } from './building-columns';

export async function writeBuildings(tx: Queryable, records: LayerRecordMap['buildings'][], issues: Issues, req: ImportRequest) {
	const writer = buildingsWriter({});
	await writer.start(tx, req);
	const counts = await writer.batch(tx, buildingsPart({ records, repaired: [], fraction: 1 }), issues, req);
	await writer.finish(tx);
	return counts;
}

/**
 * Buildings written batch by batch as the file is read (importFile streams this layer: an extract's
 * million buildings are never in memory at once), then the communities' household totals. Each batch
 * is checked, repaired, placed and written by one statement (writeBuildingBatch), from the columns
 * the reading worker made (./building-columns). Buildings are placed here, by their interior points,
 * in the boundaries read at the start (geo/placement: the same rule as the SQL, without a spatial
 * lookup per building in the database); should the boundaries change while the import runs,
 * every building is placed again in SQL before it commits.
 */
export function buildingsWriter(database: object) {
	let boundaries: Awaited<ReturnType<typeof placerFor>> | null = null;
	return {
		async start(tx: Queryable, req: ImportRequest) {
			await requireCommunityBoundaries(tx, req);
			boundaries = await placerFor(tx, database);
		},
		async batch(tx: Queryable, part: BuildingsPart, issues: Issues, req: ImportRequest) {
			const { columns } = part;
			const rejected = new Set<number>();
			const counts = await inBatches(
				columns.i.map((_, k) => k),
				req,
				async (ks) => {
					const slice = sliceColumns(columns, ks[0], ks[ks.length - 1] + 1);
					const written = await writeBuildingBatch(tx, slice, placesOf(slice), req.fileName);
					for (const x of written.exceptions) {
						const r = { index: x.i, sourceId: columns.source_id[columns.i.indexOf(x.i, ks[0])] };
						if (x.fixed && x.empty) {
							issues.rejected.push(repairedToNothing(r, x.reason));
							rejected.add(x.i);
							continue;
						}
						if (x.fixed) noteRepair(issues, r, x.reason);
						if (!x.placed) {
							issues.rejected.push(outsideCommunities(r, { zh: '建筑', en: 'building' }));
							rejected.add(x.i);
						}
					}
					return written;
				}
			);
			for (const f of part.flagged) if (!rejected.has(f.index)) issues.flagged.push(f);
			return counts;
		},
		async finish(tx: Queryable) {
			// From here until commit no boundary change can commit: the codes placed stay true (the
			// buildings' unit codes have no foreign keys: migrations/026).
			if (boundaries && (await holdBoundaries(tx)) !== boundaries.version) await placeBuildingsAgain(tx);
			await refreshHouseholdEstimates(tx);
		}
	};

	/** A building that geo/ repairs anyway, or has no interior point, is placed in SQL. */
	function placesOf(c: BuildingColumns): BuildingPlaces {
		const { placer } = boundaries!;
		const places: BuildingPlaces = { community: [], grid: [], placed: [] };
		for (let k = 0; k < c.i.length; k++) {
			const placed = !c.fix[k] && Number.isFinite(c.x[k]) && Number.isFinite(c.y[k]);
			const units = placed ? placer.holding(c.x[k], c.y[k]) : null;
			places.community.push(units?.community ?? null);
			places.grid.push(units?.grid ?? null);
			places.placed.push(placed);
		}
		return places;
	}
}

export async function writeFacilities(tx: Queryable, records: LayerRecordMap['facilities'][], issues: Issues, req: ImportRequest) {
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
export async function writeRegisters(tx: Queryable, records: LayerRecordMap['registers'][], issues: Issues, req: ImportRequest) {
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

export async function writeRoads(tx: Queryable, records: LayerRecordMap['roads'][], _issues: Issues, req: ImportRequest) {
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

export async function writeLandcover(tx: Queryable, records: LayerRecordMap['landcover'][], _issues: Issues, req: ImportRequest) {
	const counts = await inBatches(records, req, (batch) =>
		upsertLandcover(
			tx,
			batch.map((r) => ({ source_id: r.sourceId, kind: r.kind, name: r.name ?? null, geom: json(r)! })),
			req.fileName
		)
	);
	return counts;
}

export async function writeCases(tx: Queryable, records: LayerRecordMap['cases'][], issues: Issues, req: ImportRequest) {
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
