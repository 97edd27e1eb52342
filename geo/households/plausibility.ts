// Household counts that deserve a second look before planning with them. The estimate (footprint ×
// floors ÷ dwelling size) is arithmetic, not knowledge: a library, a mall or a sports centre mapped
// as `building=yes` comes out as thousands of homes (the demo's 南京图书馆: 2,574 households), and
// auto-propose then builds grids of a dozen households around it. A building is flagged, never
// changed: the planner confirms the count or enters the real one.
import { NON_RESIDENTIAL_BUILDINGS } from './index';

export interface HouseholdFacts {
	households: number;
	estimated: boolean;
	footprintM2: number;
	levels: number | null;
	/** OSM `building=*` value, when known. */
	buildingType?: string | null;
	name?: string | null;
}

export type ImplausibleReason = 'non_residential_type' | 'non_residential_name' | 'large_footprint' | 'too_many' | 'denser_than_floor_area';

/** Residential blocks rarely cover more ground than this; malls, stations and stadiums do. */
export const LARGE_FOOTPRINT_M2 = 5000;
/** More homes than the largest residential towers hold (60 floors × 10 flats ≈ 600). */
export const MAX_BUILDING_HOUSEHOLDS = 800;
/** Less floor area per home than any flat with its share of stairs and corridors. */
export const MIN_M2_PER_HOUSEHOLD = 25;
/** Names of buildings that hold no homes (libraries, museums, hospitals, schools, malls …). */
const NON_RESIDENTIAL_NAME =
	/图书馆|博物馆|美术馆|纪念馆|展览馆|科技馆|医院|卫生院|学校|大学|学院|中学|小学|幼儿园|体育|健身中心|体育馆|剧院|大剧院|影城|电影院|音乐厅|商场|购物中心|百货|超市|酒店|宾馆|饭店|银行|办公楼|写字楼|政府|法院|检察院|派出所|公安|消防|车站|地铁站|火车站|教堂|寺|庙|清真寺|会展|会议中心|菜场|市场/;

/** Why this building's household count looks wrong; empty when it looks plausible. */
export function implausibleReasons(b: HouseholdFacts): ImplausibleReason[] {
	if (!(b.households > 0)) return [];
	const reasons: ImplausibleReason[] = [];
	if (b.buildingType && NON_RESIDENTIAL_BUILDINGS.includes(b.buildingType.trim().toLowerCase())) reasons.push('non_residential_type');
	if (b.name && NON_RESIDENTIAL_NAME.test(b.name)) reasons.push('non_residential_name');
	if (b.footprintM2 > LARGE_FOOTPRINT_M2) reasons.push('large_footprint');
	if (b.households > MAX_BUILDING_HOUSEHOLDS) reasons.push('too_many');
	const floorArea = b.footprintM2 * (b.levels ?? 1);
	if (floorArea > 0 && floorArea / b.households < MIN_M2_PER_HOUSEHOLD) reasons.push('denser_than_floor_area');
	return reasons;
}

const REASON_TEXT: Record<ImplausibleReason, { zh: string; en: string }> = {
	non_residential_type: { zh: '建筑类型不住人', en: 'a building type without homes' },
	non_residential_name: { zh: '名称像公共或商业建筑', en: 'named like a public or commercial building' },
	large_footprint: { zh: `占地超过 ${LARGE_FOOTPRINT_M2} 平方米`, en: `footprint over ${LARGE_FOOTPRINT_M2} m²` },
	too_many: { zh: `一栋楼超过 ${MAX_BUILDING_HOUSEHOLDS} 户`, en: `over ${MAX_BUILDING_HOUSEHOLDS} households in one building` },
	denser_than_floor_area: { zh: `每户不足 ${MIN_M2_PER_HOUSEHOLD} 平方米`, en: `under ${MIN_M2_PER_HOUSEHOLD} m² per household` }
};

/** The import report's line for a flagged building, in both languages. */
export function implausibleMessage(
	b: { index: number; name?: string | null; households: number; householdsEstimated: boolean },
	reasons: ImplausibleReason[]
): string {
	const what = b.name ? `「${b.name}」` : '';
	const zh = `第 ${b.index + 1} 栋建筑${what}${b.householdsEstimated ? '估算' : ''} ${b.households} 户，存疑：${reasons.map((r) => REASON_TEXT[r].zh).join('；')}`;
	const en = `building ${b.index + 1}${b.name ? ` "${b.name}"` : ''}: ${b.households} households${b.householdsEstimated ? ' (estimated)' : ''} look wrong: ${reasons.map((r) => REASON_TEXT[r].en).join('; ')}`;
	return `${zh} / ${en}`;
}
