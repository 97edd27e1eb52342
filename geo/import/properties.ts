// Case-insensitive property access with aliases: the same field is called "name", "NAME", "名称"…
// depending on who exported the file.

export type Properties = Record<string, unknown>;

/** A cell as text: objects and arrays (nested JSON properties) as JSON, never throwing. */
function asText(value: unknown): string {
	if (typeof value !== 'object') return String(value);
	try {
		return JSON.stringify(value) ?? '';
	} catch {
		return ''; // nested too deeply to be a meaningful value
	}
}

/** Reads fields from one feature's properties by any of their accepted names. */
export class PropertyReader {
	private readonly byLowerName: Map<string, unknown>;

	constructor(properties: Properties | null | undefined) {
		this.byLowerName = new Map(Object.entries(properties ?? {}).map(([key, value]) => [key.trim().toLowerCase(), value]));
	}

	/** The first non-empty value among the aliases, trimmed, as text; undefined when none is present. */
	text(aliases: readonly string[]): string | undefined {
		for (const alias of aliases) {
			const value = this.byLowerName.get(alias.toLowerCase());
			if (value === null || value === undefined) continue;
			const text = asText(value).trim();
			if (text !== '') return text;
		}
		return undefined;
	}

	/**
	 * The first present value as a number: undefined when absent, NaN when present but not a number
	 * (so callers can tell "not given" from "given wrongly"). Accepts thousands separators ("1,200").
	 */
	number(aliases: readonly string[]): number | undefined {
		const text = this.text(aliases);
		if (text === undefined) return undefined;
		const cleaned = text.replace(/(\d),(?=\d{3}\b)/g, '$1');
		return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
	}
}

/** Accepted property names per field. Lower-case; matching ignores case. */
export const FIELD_ALIASES = {
	subdistrictCode: ['code', 'street_code', '街道编码', '街道代码', '编码', '代码'],
	subdistrictName: ['name', 'street_name', '街道名称', '街道', '名称'],
	districtCode: ['area_code', 'district_code', '区县编码', '区县代码'],
	districtName: ['area_name', 'district_name', '区县名称', '区县'],
	communityCode: ['code', 'village_code', '社区编码', '社区代码', '编码', '代码'],
	communityName: ['name', 'village_name', '社区名称', '社区', '名称'],
	communitySubdistrictName: ['street_name', '街道名称', '街道'],
	households: ['households', '户数', '实有户数', '登记户数', '住户数'],
	population: ['population', '人口', '人口数', '实有人口', '登记人口', '常住人口'],
	buildingId: ['building_id', 'source_id', '楼栋编号', '建筑编号', '房屋编号', '楼栋编码'],
	registerCommunityCode: ['community_code', 'village_code', '社区编码', '社区代码'],
	seats: ['seats', 'capacity', '座位', '座位数', '托位', '托位数', '学位'],
	beds: ['beds', '床位', '床位数'],
	floorArea: ['floor_area', 'floor_area_m2', '建筑面积'],
	openingHours: ['opening_hours', '开放时间', '营业时间'],
	serviceSpaceM2: ['service_space_m2', '服务用房面积'],
	gridCode: ['code', 'grid_code', '网格编码', '网格代码', '编码'],
	gridName: ['name', 'grid_name', '网格名称', '名称'],
	gridKind: ['kind', 'type', 'grid_kind', '网格类型', '类型'],
	levels: ['levels', 'building:levels', '层数', '楼层数'],
	height: ['height', '高度'],
	name: ['name', '名称'],
	facilityCategory: ['category', '类别', '分类', '设施类别', '类型'],
	facilityName: ['name', 'name:zh', '名称', '设施名称'],
	highway: ['highway', 'road_class', '道路等级'],
	walkable: ['walkable', '可步行'],
	landcoverKind: ['kind', 'landcover', '类型', '地类', '用地类型'],
	landcoverName: ['name', 'name:zh', '名称'],
	caseCategory: ['category', '类别', '事件类别', '事件类型', '类型'],
	caseStatus: ['status', '状态'],
	caseSource: ['source', '来源'],
	caseReportedAt: ['reported_at', 'time', '时间', '上报时间'],
	caseDescription: ['description', '描述', '内容'],
	caseId: ['case_no', 'id', '编号', '事件编号'],
	featureId: ['id']
} as const;
