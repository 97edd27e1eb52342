// Writers of the administrative units: subdistricts, communities and grids (grids placed in exactly
// one community).
import { shown } from '$geo/import/text';
import { ImportFileError, type LayerRecordMap } from '$geo/types';
import type { Queryable } from '../db';
import {
	missingSubdistricts,
	nextGridSeq,
	placeGrids,
	reassignToHierarchy,
	refreshHouseholdEstimates,
	upsertCommunities,
	upsertGrids,
	upsertSubdistricts
} from '../layers/hierarchy';
import type { ImportRequest } from './request';
import { inBatches, issue, type Issues, json, requireCommunityBoundaries } from './write-common';

export async function writeSubdistricts(tx: Queryable, records: LayerRecordMap['subdistricts'][], _issues: Issues, req: ImportRequest) {
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

export async function writeCommunities(tx: Queryable, records: LayerRecordMap['communities'][], issues: Issues, req: ImportRequest) {
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

export async function writeGrids(tx: Queryable, records: LayerRecordMap['grids'][], issues: Issues, req: ImportRequest) {
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
