// Grid plans (see ./index.ts): proposals.

import type { LineString, MultiLineString } from 'geojson';
import type { BalanceStats, Violation, PlanBuilding } from '$geo/partition';
import type { Queryable } from '../db';
import { jobs } from '../jobs/pool';
import type { ProposalResult } from '../../plan/types';
import type { PlanGrid, Bilingual } from './types';
import { type PlanFieldError, PlanInputError } from './errors';
import { getCommunity, gridsInForce, communityBuildings } from './load';
import { parseGrids, inputErrorCode } from './parse';
import { parseBand } from './save';

export type { ProposalResult };

/**
 * A draft proposal (not saved): `propose` splits the community afresh (geo/partition proposeGrids,
 * roads preferred as borders; codes kept for grids that mostly cover a grid in force), `rebalance`
 * moves as few buildings as possible from the given (or current) layout.
 */
export async function proposePlan(
	q: Queryable,
	communityCode: string,
	input: { target?: unknown; mode?: unknown; grids?: unknown; band?: unknown }
): Promise<ProposalResult> {
	const community = await getCommunity(q, communityCode);
	const errors: PlanFieldError[] = [];
	const mode = input?.mode ?? 'propose';
	if (mode !== 'propose' && mode !== 'rebalance')
		errors.push({ field: 'mode', code: 'bad_mode', zh: '模式须为 propose（自动划分）或 rebalance（再平衡）', en: 'mode must be propose or rebalance' });
	const target = input?.target ?? null;
	if (target !== null && !(Number.isInteger(target) && (target as number) >= 1 && (target as number) <= 999))
		errors.push({ field: 'target', code: 'bad_target', zh: '目标网格数须为 1–999 的整数', en: 'target must be a whole number of grids, 1–999' });
	const band = parseBand(input?.band, community.band, errors);
	let start: PlanGrid[] = [];
	if (mode === 'rebalance') {
		if (input?.grids !== undefined) {
			const parsed = parseGrids(input.grids, community);
			errors.push(...parsed.errors);
			start = parsed.grids;
		} else start = await gridsInForce(q, communityCode);
		if (!errors.length && start.length === 0)
			errors.push({ field: 'grids', code: 'empty', zh: '没有可再平衡的网格：请先划分或自动划分', en: 'no grids to rebalance: draw or propose some first' });
	}
	if (errors.length)
		throw new PlanInputError(inputErrorCode(errors), { zh: `请求有 ${errors.length} 处错误`, en: `the request has ${errors.length} error(s)` }, errors);
	const rows = await communityBuildings(q, communityCode);
	const buildings: PlanBuilding[] = rows.map((b) => ({ id: b.id, lon: b.lon, lat: b.lat, households: b.households }));
	let layout: { grids: PlanGrid[]; households: Record<string, number>; stats: BalanceStats; violations: Violation[]; moved: number };
	let feasible = true,
		explanation: Bilingual | undefined;
	if (mode === 'propose') {
		const roads = await q.query<{ geom: LineString | MultiLineString }>(
			`SELECT ST_AsGeoJSON(ST_Intersection(r.geom, c.geom), 7)::json AS geom FROM roads r, communities c
			 WHERE c.code = $1 AND r.geom && c.geom AND ST_Intersects(r.geom, c.geom) ORDER BY r.id`,
			[communityCode]
		);
		// Keep the codes of grids in force where a proposed grid covers most of one.
		const previous = (await gridsInForce(q, communityCode)).map((g) => ({ code: g.code, geometry: g.geometry }));
		const { result: p } = await jobs().run(
			'proposeLayout',
			[
				{
					community: community.geometry,
					communityCode,
					communityName: community.name,
					buildings,
					options: {
						targetCount: (target as number | null) ?? undefined,
						band,
						roads: roads.map((r) => r.geom).filter((g) => g && (g.type === 'LineString' || g.type === 'MultiLineString')),
						communityCode
					},
					previous,
					band
				}
			],
			{ kind: 'plan' }
		);
		layout = p;
		feasible = p.feasible;
		explanation = p.explanation;
	} else {
		const { result: r } = await jobs().run('rebalanceLayout', [{ community: community.geometry, grids: start, buildings, band }], { kind: 'plan' });
		layout = r;
		feasible = r.inBand;
		if (!r.inBand)
			explanation = {
				zh: `再平衡移动了 ${r.moved} 栋楼后仍有 ${r.outsideBand} 个网格不在 ${band.min}–${band.max} 户之间`,
				en: `after moving ${r.moved} building(s), ${r.outsideBand} grid(s) remain outside ${band.min}–${band.max} households`
			};
	}
	const { grids, households, stats, violations, moved } = layout;
	return { mode: mode as 'propose' | 'rebalance', grids, households, stats, band, feasible, explanation, moved, violations };
}
