// The 5/10/15-minute life circles by walking: for each community, which facility categories its
// households reach within 5, 10 and 15 minutes, the share of households whose circle is complete,
// and the categories missing; a subdistrict summary against the national 85 % target.
// Which categories belong to which circle comes from the enabled walking rules' levels.
import { GridAtlasError } from '$geo/errors';
import type { Db } from '../db';
import { getCoverage, searchDistances } from '.';
import { getWalkGraph } from '../map/walk-network';
import { DEFAULT_WALK_SPEED } from './rules';
import type { CommunityLifeCircle, LifeCircleLevel, LifeCircleReport } from '../../coverage/types';

export type { CommunityLifeCircle, LifeCircleLevel, LifeCircleReport };

export const LIFE_CIRCLE_LEVELS = [
	{ level: '5min', minutes: 5 },
	{ level: '10min', minutes: 10 },
	{ level: '15min', minutes: 15 }
] as const;
/** National target: share of residents within a complete 15-minute circle. */
export const LIFE_CIRCLE_TARGET = 0.85;

export class LifeCircleError extends GridAtlasError {
	constructor(
		readonly code: 'bad_speed' | 'no_network',
		message: string
	) {
		super(message, { code, status: code === 'no_network' ? 409 : 400 });
	}
}

const cache = new Map<string, Promise<LifeCircleReport>>();

const noNetwork = () =>
	new LifeCircleError(
		'no_network',
		'尚未建立步行网络：请先导入含道路的 OpenStreetMap 数据 / no walking network yet: import OpenStreetMap data with roads first'
	);

export async function lifeCircles(db: Db, speedMPerMin = DEFAULT_WALK_SPEED): Promise<LifeCircleReport> {
	if (!Number.isFinite(speedMPerMin) || speedMPerMin <= 0 || speedMPerMin > 200) {
		throw new LifeCircleError(
			'bad_speed',
			`步行速度须在 0–200 米/分钟之间（收到 ${speedMPerMin}）/ walking speed must be within 0–200 m/min (got ${speedMPerMin})`
		);
	}
	// Without a walking network there is nothing to compute: say so before the city's coverage is
	// worked out (tens of seconds on a large city, for an answer that cannot use it).
	if ((await getWalkGraph(db)).edgeCount === 0) throw noNetwork();
	const state = await getCoverage(db);
	const key = `${state.report.fingerprint}|${speedMPerMin}`;
	let p = cache.get(key);
	if (!p) {
		if (cache.size > 8) cache.clear();
		p = compute(db, speedMPerMin);
		cache.set(key, p);
		p.catch(() => cache.delete(key));
	}
	return p;
}

async function compute(db: Db, speed: number): Promise<LifeCircleReport> {
	const state = await getCoverage(db);
	const { buildings, buildingCommunity } = state;
	const rules = state.report.rules.filter((r) => r.kind === 'distance' && r.category && r.metric === 'walk');
	const levels: LifeCircleLevel[] = LIFE_CIRCLE_LEVELS.map(({ level, minutes }) => {
		const categories = [...new Set(rules.filter((r) => r.level === level).map((r) => r.category!))].sort();
		return { level, minutes, categories, absent: categories.filter((c) => state.report.missingCategories.includes(c)) };
	});
	const categories = [...new Set(levels.flatMap((l) => l.categories))];
	const maxM = 15 * speed;
	const minutesTo = new Map<string, Float64Array>();
	const found = new Map<string, Float64Array>();
	const searches = categories.map((category) => ({ key: category, metric: 'walk' as const, facilities: state.facilitiesByCategory.get(category) ?? [], maxM }));
	const { walkNetwork } = await searchDistances(db, buildings, searches, found, new Map());
	if (!walkNetwork && categories.length) throw noNetwork();
	for (const category of categories)
		minutesTo.set(
			category,
			found.get(category)!.map((d) => d / speed)
		);

	const names = await db.query<{ code: string; name_zh: string; name_en: string }>('SELECT code, name_zh, name_en FROM facility_categories');
	const categoryNames = Object.fromEntries(names.map((n) => [n.code, { zh: n.name_zh, en: n.name_en }]));
	const nc = state.report.communities.length;
	const total = new Float64Array(nc);
	// reached[level][category][community], complete[level][community]
	const reached = levels.map((l) => l.categories.map(() => new Float64Array(nc)));
	const complete = levels.map(() => new Float64Array(nc));
	for (let i = 0; i < buildings.ids.length; i++) {
		const c = buildingCommunity[i];
		const h = buildings.households[i];
		if (c < 0 || !(h > 0)) continue;
		total[c] += h;
		levels.forEach((l, li) => {
			let all = true;
			l.categories.forEach((cat, ci) => {
				if (l.absent.includes(cat)) return;
				if (minutesTo.get(cat)![i] <= l.minutes) reached[li][ci][c] += h;
				else all = false;
			});
			if (all) complete[li][c] += h;
		});
	}
	const communities: CommunityLifeCircle[] = state.report.communities.map((c, ci) => ({
		code: c.code,
		name: c.name,
		subdistrictCode: c.subdistrictCode,
		households: total[ci],
		levels: levels.map((l, li) => {
			const shares = l.categories.map((cat, k) => ({ category: cat, share: total[ci] > 0 && !l.absent.includes(cat) ? reached[li][k][ci] / total[ci] : null }));
			return {
				level: l.level,
				completeShare: total[ci] > 0 ? complete[li][ci] / total[ci] : null,
				categories: shares,
				missing: shares.filter((s) => s.share !== null && s.share < LIFE_CIRCLE_TARGET).map((s) => s.category)
			};
		})
	}));
	const li15 = levels.findIndex((l) => l.level === '15min');
	const bySubdistrict = new Map<string, { name: string; households: number; complete: number }>();
	state.report.communities.forEach((c, ci) => {
		const s = bySubdistrict.get(c.subdistrictCode) ?? { name: c.subdistrictName, households: 0, complete: 0 };
		s.households += total[ci];
		s.complete += complete[li15][ci];
		bySubdistrict.set(c.subdistrictCode, s);
	});
	const subdistricts = [...bySubdistrict].map(([code, s]) => {
		const share = s.households > 0 ? s.complete / s.households : null;
		return { code, name: s.name, households: s.households, complete15Share: share, meetsTarget: share === null ? null : share >= LIFE_CIRCLE_TARGET };
	});
	const absentCategories = [...new Set(levels.flatMap((l) => l.absent))].map((code) => ({
		code,
		name_zh: categoryNames[code]?.zh ?? code,
		name_en: categoryNames[code]?.en ?? code
	}));
	return { speedMPerMin: speed, walkNetwork, target: LIFE_CIRCLE_TARGET, levels, categoryNames, absentCategories, communities, subdistricts };
}
