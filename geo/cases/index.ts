// Cases (事件): pure validation of incoming items and the workflow rules, no database.
// parseCaseBatch turns a request body (one case, a JSON array, a GeoJSON Feature/FeatureCollection)
// into normalised WGS-84 items plus one error per bad item; planIngest compares them with what is
// stored and decides, per item, insert / update (a later status, or corrected fields) / unchanged
// (an identical re-send) / rejected (e.g. a status moving backwards).
import { GridAtlasError } from '../errors';
import { positionToWgs84 } from '../crs';
import { toIsoTimestamp } from '../import/dates';
import { hasUnstorableText, shown } from '../import/text';
import { CRS_NAMES, type CrsName } from '../types';

export const CASE_STATUSES = ['reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const ESCALATION_LEVELS = ['grid', 'community', 'subdistrict'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];
/** The regular workflow, in order; `escalated` may follow any open (not closed) state. */
export const WORKFLOW: CaseStatus[] = ['reported', 'registered', 'dispatched', 'handled', 'closed'];
export const MAX_BATCH = 5000;
export const MAX_DESCRIPTION = 4000;
/** Times outside these years are typos (or epoch seconds sent as milliseconds), not case times. */
const EARLIEST_TIME = Date.UTC(1900, 0, 1);
const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);

const STATUS_ZH: Record<string, string> = {
	voided: '已作废',
	reported: '已上报',
	registered: '已立案',
	dispatched: '已派遣',
	handled: '已处置',
	closed: '已结案',
	escalated: '已上报升级'
};

export interface CaseMessage {
	zh: string;
	en: string;
}

export interface CaseItemError {
	index: number;
	/** The item's external id when it has one. */
	id: string | null;
	field: string;
	code: string;
	/** "中文 / English", as elsewhere in the API. */
	message: string;
	zh: string;
	en: string;
}

/** A validated item. Optional fields are undefined when the sender did not give them. */
export interface CaseItem {
	index: number;
	id: string;
	category?: string;
	status?: CaseStatus;
	escalationLevel?: EscalationLevel | null;
	/** Time of this status step (ISO); default: reported time for `reported`, else now. */
	statusAt?: string;
	source?: string | null;
	description?: string | null;
	reportedAt?: string;
	dueAt?: string | null;
	lon?: number;
	lat?: number;
}

export interface ParseOptions {
	/** Known categories: every accepted spelling (code, names, aliases, lower-cased) → code. */
	categories: Map<string, string>;
	crs?: CrsName;
	maxBatch?: number;
}

export interface ParsedBatch {
	items: CaseItem[];
	errors: CaseItemError[];
	/** How many items the body held. */
	received: number;
	crs: CrsName;
}

export class CaseBodyError extends GridAtlasError {
	constructor(
		readonly code: string,
		msg: CaseMessage
	) {
		super(`${msg.zh} / ${msg.en}`, { code });
		this.name = 'CaseBodyError';
	}
}

export function caseError(index: number, id: string | null, field: string, code: string, msg: CaseMessage): CaseItemError {
	return { index, id, field, code, message: `${msg.zh} / ${msg.en}`, zh: msg.zh, en: msg.en };
}

/** Lookup key for a category spelling. */
export const categoryKey = (text: string) => text.trim().toLowerCase();

export function isCrsName(value: unknown): value is CrsName {
	return typeof value === 'string' && (CRS_NAMES as readonly string[]).includes(value.toLowerCase());
}

/** The list of raw items a body holds, and the crs it declares (if any). */
export function unwrapBody(body: unknown): { raw: unknown[]; crs?: string } {
	if (Array.isArray(body)) return { raw: body };
	if (body && typeof body === 'object') {
		const o = body as Record<string, unknown>;
		const crs = typeof o.crs === 'string' ? o.crs : crsFromGeoJson(o.crs);
		if (o.type === 'FeatureCollection') {
			if (!Array.isArray(o.features))
				throw new CaseBodyError('bad_body', { zh: 'FeatureCollection 缺少 features 数组', en: 'the FeatureCollection has no features array' });
			return { raw: o.features, crs };
		}
		if (Array.isArray(o.cases)) return { raw: o.cases, crs };
		return { raw: [body], crs };
	}
	throw new CaseBodyError('bad_body', {
		zh: '请求体应为一个案件、案件数组或 GeoJSON FeatureCollection',
		en: 'the body must be one case, an array of cases or a GeoJSON FeatureCollection'
	});
}

function crsFromGeoJson(crs: unknown): string | undefined {
	const name = (crs as { properties?: { name?: unknown } } | undefined)?.properties?.name;
	return typeof name === 'string' ? name : undefined;
}

/** Validates every item of a request body. Bad items get their own errors; the rest are returned. */
export function parseCaseBatch(body: unknown, options: ParseOptions): ParsedBatch {
	const { raw, crs: declared } = unwrapBody(body);
	let crs: CrsName = options.crs ?? 'wgs84';
	if (declared !== undefined) {
		if (!isCrsName(declared)) {
			throw new CaseBodyError('bad_crs', {
				zh: `坐标系“${shown(declared)}”无效，可用 wgs84、gcj02、bd09`,
				en: `unknown crs "${shown(declared)}"; use wgs84, gcj02 or bd09`
			});
		}
		crs = declared.toLowerCase() as CrsName;
	}
	const max = options.maxBatch ?? MAX_BATCH;
	const items: CaseItem[] = [];
	const errors: CaseItemError[] = [];
	raw.forEach((entry, index) => {
		if (index >= max) {
			errors.push(
				caseError(index, rawId(entry), 'batch', 'batch_too_large', {
					zh: `批次超过上限 ${max} 条，第 ${index + 1} 条未处理，请分批发送`,
					en: `the batch is over the limit of ${max} cases; item ${index + 1} was not processed, send it in another batch`
				})
			);
			return;
		}
		const result = parseCaseItem(entry, index, crs, options.categories);
		if ('item' in result) items.push(result.item);
		else errors.push(...result.errors);
	});
	return { items, errors, received: raw.length, crs };
}

function rawId(entry: unknown): string | null {
	if (!entry || typeof entry !== 'object') return null;
	const o = entry as Record<string, unknown>;
	const props = (o.type === 'Feature' ? (o.properties as Record<string, unknown>) : o) ?? {};
	const id = props.id ?? props.external_id ?? props.externalId ?? props.source_id ?? (o.type === 'Feature' ? o.id : undefined);
	return typeof id === 'string' || typeof id === 'number' ? String(id).trim() || null : null;
}

const pick = (o: Record<string, unknown>, ...keys: string[]) => {
	for (const k of keys) if (o[k] !== undefined) return o[k];
	return undefined;
};

/** One item: a plain object ({id, category, lon, lat, …}) or a GeoJSON Point Feature. */
export function parseCaseItem(entry: unknown, index: number, crs: CrsName, categories: Map<string, string>): { item: CaseItem } | { errors: CaseItemError[] } {
	if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
		return { errors: [caseError(index, null, 'item', 'bad_item', { zh: `第 ${index + 1} 条不是一个对象`, en: `item ${index + 1} is not an object` })] };
	}
	const o = entry as Record<string, unknown>;
	const isFeature = o.type === 'Feature';
	const props: Record<string, unknown> = isFeature ? ((o.properties as Record<string, unknown>) ?? {}) : o;
	const id = rawId(entry);
	const errors: CaseItemError[] = [];
	const err = (field: string, code: string, zh: string, en: string) =>
		errors.push(
			caseError(index, id, field, code, { zh: `第 ${index + 1} 条${id ? `（${id}）` : ''}：${zh}`, en: `item ${index + 1}${id ? ` (${id})` : ''}: ${en}` })
		);

	if (!id) err('id', 'missing_id', '缺少外部编号 id', 'the external id is missing');
	else if (id.length > 128) err('id', 'bad_id', '外部编号超过 128 个字符', 'the external id is longer than 128 characters');
	else if (hasUnstorableText(id))
		err('id', 'bad_id', '外部编号含有空字符（NUL）或无效的 Unicode 字符', 'the external id contains a NUL character or invalid Unicode');

	const item: CaseItem = { index, id: id ?? '' };

	// Location: lon/lat (lng, longitude, x, 经度), [lon, lat] or a GeoJSON Point.
	let position: unknown[] | undefined;
	if (isFeature && o.geometry != null) {
		const g = o.geometry as { type?: unknown; coordinates?: unknown };
		if (g.type !== 'Point' || !Array.isArray(g.coordinates)) {
			err('location', 'bad_geometry', `几何类型应为点（Point），收到 ${shown(g.type)}`, `the geometry must be a Point, got ${shown(g.type)}`);
		} else position = g.coordinates;
	} else {
		const loc = pick(props, 'location', 'coordinates');
		if (Array.isArray(loc)) position = loc;
		else {
			const lon = pick(props, 'lon', 'lng', 'longitude', 'x', '经度');
			const lat = pick(props, 'lat', 'latitude', 'y', '纬度');
			if (lon !== undefined || lat !== undefined) position = [lon, lat];
		}
	}
	if (position) {
		const [lonRaw, latRaw] = position;
		const lon = typeof lonRaw === 'string' && lonRaw.trim() !== '' ? Number(lonRaw) : lonRaw;
		const lat = typeof latRaw === 'string' && latRaw.trim() !== '' ? Number(latRaw) : latRaw;
		if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
			err('location', 'missing_coordinates', '坐标缺失或不是数字', 'the coordinates are missing or not numbers');
		} else if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
			const swapped = Math.abs(lon) <= 90 && Math.abs(lat) <= 180 && Math.abs(lat) > 90;
			err(
				'location',
				'coordinates_out_of_range',
				`坐标 (${lon}, ${lat}) 超出经度 ±180、纬度 ±90 的范围${swapped ? '，经纬度可能颠倒' : ''}`,
				`coordinates (${lon}, ${lat}) are out of range (longitude ±180, latitude ±90)${swapped ? '; longitude and latitude look swapped' : ''}`
			);
		} else {
			[item.lon, item.lat] = positionToWgs84([lon, lat], crs);
		}
	}

	const category = pick(props, 'category', 'type_code', '类别');
	if (category !== undefined && category !== null) {
		const code = typeof category === 'string' ? categories.get(categoryKey(category)) : undefined;
		if (!code) {
			err(
				'category',
				'unknown_category',
				`类别“${shown(category)}”不存在（可用：${[...new Set(categories.values())].join('、')}）`,
				`unknown category "${shown(category)}" (known: ${[...new Set(categories.values())].join(', ')})`
			);
		} else item.category = code;
	}

	const status = pick(props, 'status', '状态');
	if (status !== undefined && status !== null) {
		if (typeof status !== 'string' || !(CASE_STATUSES as readonly string[]).includes(status)) {
			err(
				'status',
				'unknown_status',
				`状态“${shown(status)}”无效（可用：${CASE_STATUSES.join('、')}）`,
				`unknown status "${shown(status)}" (known: ${CASE_STATUSES.join(', ')})`
			);
		} else item.status = status as CaseStatus;
	}
	const level = pick(props, 'escalation_level', 'escalationLevel', 'level');
	if (level !== undefined && level !== null) {
		if (typeof level !== 'string' || !(ESCALATION_LEVELS as readonly string[]).includes(level)) {
			err(
				'escalation_level',
				'unknown_level',
				`升级层级“${shown(level)}”无效（可用：grid、community、subdistrict）`,
				`unknown escalation level "${shown(level)}" (known: grid, community, subdistrict)`
			);
		} else if (item.status !== 'escalated') {
			err(
				'escalation_level',
				'level_without_escalation',
				'只有状态为 escalated 时才能给出升级层级',
				'an escalation level is only allowed with status escalated'
			);
		} else item.escalationLevel = level as EscalationLevel;
	}
	if (item.status === 'escalated' && !item.escalationLevel && !errors.some((e) => e.field === 'escalation_level')) {
		err(
			'escalation_level',
			'missing_level',
			'升级（escalated）必须给出层级：grid、community 或 subdistrict',
			'escalated needs a level: grid, community or subdistrict'
		);
	}

	const time = (field: string, keys: string[]): string | undefined | null => {
		const value = pick(props, ...keys);
		if (value === undefined) return undefined;
		if (value === null) return null;
		const iso =
			typeof value === 'string'
				? toIsoTimestamp(value)
				: typeof value === 'number' && Number.isFinite(new Date(value).getTime())
					? new Date(value).toISOString()
					: undefined;
		const ms = iso === undefined ? Number.NaN : Date.parse(iso);
		if (Number.isNaN(ms)) {
			err(
				field,
				'malformed_time',
				`时间“${shown(value)}”无法识别，请用如 2024-05-01T10:30:00+08:00 的格式`,
				`time "${shown(value)}" is malformed; use e.g. 2024-05-01T10:30:00+08:00`
			);
			return undefined;
		}
		if (ms < EARLIEST_TIME || ms > LATEST_TIME) {
			err(field, 'time_out_of_range', `时间 ${shown(value)} 不在 1900 年至 9999 年之间`, `time ${shown(value)} is not between the years 1900 and 9999`);
			return undefined;
		}
		return iso;
	};
	const reportedAt = time('reported_at', ['reported_at', 'reportedAt', 'time', '上报时间']);
	if (reportedAt) {
		if (Date.parse(reportedAt) > Date.now() + 24 * 3600_000) {
			err('reported_at', 'future_time', `上报时间 ${reportedAt} 在未来`, `reported time ${reportedAt} is in the future`);
		} else item.reportedAt = reportedAt;
	} else if (reportedAt === null) err('reported_at', 'malformed_time', '上报时间不能为空', 'the reported time cannot be null');
	const dueAt = time('due_at', ['due_at', 'dueAt']);
	if (dueAt !== undefined) item.dueAt = dueAt;
	const statusAt = time('status_at', ['status_at', 'statusAt']);
	if (statusAt) item.statusAt = statusAt;

	const text = (field: string, keys: string[], max: number): string | null | undefined => {
		const value = pick(props, ...keys);
		if (value === undefined || value === null) return value as undefined | null;
		if (typeof value !== 'string') {
			err(field, 'bad_text', `${field} 应为文本`, `${field} must be text`);
			return undefined;
		}
		if (hasUnstorableText(value)) {
			err(field, 'bad_text', `${field} 含有空字符（NUL）或无效的 Unicode 字符`, `${field} contains a NUL character or invalid Unicode`);
			return undefined;
		}
		if (value.length > max) {
			err(field, 'text_too_long', `${field} 超过 ${max} 个字符`, `${field} is longer than ${max} characters`);
			return undefined;
		}
		return value;
	};
	const source = text('source', ['source', '来源'], 64);
	if (source !== undefined) item.source = source;
	const description = text('description', ['description', '描述'], MAX_DESCRIPTION);
	if (description !== undefined) item.description = description;

	return errors.length ? { errors } : { item };
}

// --- the workflow ---

export type Transition = 'same' | 'forward' | 'backward';
const LEVEL_RANK: Record<EscalationLevel, number> = { grid: 0, community: 1, subdistrict: 2 };

/**
 * reported → registered → dispatched → handled → closed. `escalated` (with a level) from any open
 * state; from escalated the case may be escalated further up, or be dispatched, handled or closed.
 */
export function transition(from: CaseStatus, fromLevel: EscalationLevel | null, to: CaseStatus, toLevel: EscalationLevel | null): Transition {
	// A voided case (作废, by the operations workflow) stays voided: no feed revives it.
	if ((from as string) === 'voided') return (to as string) === 'voided' ? 'same' : 'backward';
	if (from === to && (from !== 'escalated' || fromLevel === toLevel)) return 'same';
	if (to === 'escalated') {
		if (from === 'closed') return 'backward';
		if (from === 'escalated') return LEVEL_RANK[toLevel ?? 'grid'] > LEVEL_RANK[fromLevel ?? 'grid'] ? 'forward' : 'backward';
		return 'forward';
	}
	if (from === 'escalated') return WORKFLOW.indexOf(to) >= WORKFLOW.indexOf('dispatched') ? 'forward' : 'backward';
	return WORKFLOW.indexOf(to) > WORKFLOW.indexOf(from) ? 'forward' : 'backward';
}

/** A stored case, as planIngest needs it. */
export interface StoredCase {
	id: string;
	category: string;
	status: CaseStatus;
	escalationLevel: EscalationLevel | null;
	source: string | null;
	description: string | null;
	reportedAt: string;
	dueAt: string | null;
	lon: number;
	lat: number;
}

export interface CaseWrite extends StoredCase {
	isNew: boolean;
}

export interface CaseEventPlan {
	id: string;
	kind: 'new' | 'status' | 'update';
	status: CaseStatus;
	escalationLevel: EscalationLevel | null;
	at: string;
}

export type ItemOutcome = 'inserted' | 'updated' | 'unchanged' | 'rejected';

export interface IngestPlan {
	writes: CaseWrite[];
	events: CaseEventPlan[];
	outcomes: { index: number; id: string; outcome: ItemOutcome }[];
	errors: CaseItemError[];
	counts: { inserted: number; updated: number; unchanged: number; rejected: number };
}

const sameTime = (a: string | null | undefined, b: string | null | undefined) => (a == null || b == null ? a == b : Date.parse(a) === Date.parse(b));
const sameCoord = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/**
 * Decides what each valid item does against the stored cases (and the items before it in the same
 * batch). `dueHours` gives a new case's default due time by category.
 */
export function planIngest(items: CaseItem[], stored: Map<string, StoredCase>, options: { now?: Date; dueHours?: Map<string, number> } = {}): IngestPlan {
	const now = (options.now ?? new Date()).toISOString();
	const state = new Map(stored);
	const writes = new Map<string, CaseWrite>();
	const plan: IngestPlan = { writes: [], events: [], outcomes: [], errors: [], counts: { inserted: 0, updated: 0, unchanged: 0, rejected: 0 } };
	const reject = (item: CaseItem, e: CaseItemError) => {
		plan.errors.push(e);
		plan.outcomes.push({ index: item.index, id: item.id, outcome: 'rejected' });
		plan.counts.rejected++;
	};
	for (const item of items) {
		const before = state.get(item.id);
		// Built only for an error message (most items have none).
		const label = {
			get zh() {
				return `第 ${item.index + 1} 条（${item.id}）：`;
			},
			get en() {
				return `item ${item.index + 1} (${item.id}): `;
			}
		};
		if (!before) {
			const missing: string[] = [];
			if (item.lon === undefined || item.lat === undefined) missing.push('location');
			if (!item.category) missing.push('category');
			if (missing.length) {
				plan.errors.push(
					...missing.map((field) =>
						caseError(item.index, item.id, field, field === 'location' ? 'missing_coordinates' : 'missing_category', {
							zh: `${label.zh}新案件缺少${field === 'location' ? '坐标' : '类别'}`,
							en: `${label.en}a new case needs ${field === 'location' ? 'coordinates' : 'a category'}`
						})
					)
				);
				plan.outcomes.push({ index: item.index, id: item.id, outcome: 'rejected' });
				plan.counts.rejected++;
				continue;
			}
			const reportedAt = item.reportedAt ?? now;
			const status = item.status ?? 'reported';
			const hours = options.dueHours?.get(item.category!);
			const next: CaseWrite = {
				id: item.id,
				category: item.category!,
				status,
				escalationLevel: item.escalationLevel ?? null,
				source: item.source ?? null,
				description: item.description ?? null,
				reportedAt,
				dueAt: item.dueAt !== undefined ? item.dueAt : hours ? new Date(Date.parse(reportedAt) + hours * 3600_000).toISOString() : null,
				lon: item.lon!,
				lat: item.lat!,
				isNew: true
			};
			state.set(item.id, next);
			writes.set(item.id, next);
			plan.events.push({ id: item.id, kind: 'new', status: 'reported', escalationLevel: null, at: reportedAt });
			if (status !== 'reported') plan.events.push({ id: item.id, kind: 'status', status, escalationLevel: next.escalationLevel, at: item.statusAt ?? now });
			plan.outcomes.push({ index: item.index, id: item.id, outcome: 'inserted' });
			plan.counts.inserted++;
			continue;
		}
		const status = item.status ?? before.status;
		const level = item.status !== undefined ? (item.escalationLevel ?? null) : before.escalationLevel;
		const move = transition(before.status, before.escalationLevel, status, level);
		if (move === 'backward') {
			reject(
				item,
				caseError(item.index, item.id, 'status', 'status_backwards', {
					zh: `${label.zh}状态不能从“${STATUS_ZH[before.status]}”${before.escalationLevel ? `（${before.escalationLevel}）` : ''}退回到“${STATUS_ZH[status]}”${level ? `（${level}）` : ''}`,
					en: `${label.en}the status cannot move back from ${before.status}${before.escalationLevel ? ` (${before.escalationLevel})` : ''} to ${status}${level ? ` (${level})` : ''}`
				})
			);
			continue;
		}
		const next: CaseWrite = {
			id: item.id,
			category: item.category ?? before.category,
			status,
			escalationLevel: level,
			source: item.source !== undefined ? item.source : before.source,
			description: item.description !== undefined ? item.description : before.description,
			reportedAt: item.reportedAt ?? before.reportedAt,
			dueAt: item.dueAt !== undefined ? item.dueAt : before.dueAt,
			lon: item.lon ?? before.lon,
			lat: item.lat ?? before.lat,
			isNew: writes.get(item.id)?.isNew ?? false
		};
		const fieldsSame =
			next.category === before.category &&
			next.source === before.source &&
			next.description === before.description &&
			sameTime(next.reportedAt, before.reportedAt) &&
			sameTime(next.dueAt, before.dueAt) &&
			sameCoord(next.lon, before.lon) &&
			sameCoord(next.lat, before.lat);
		if (move === 'same' && fieldsSame) {
			plan.outcomes.push({ index: item.index, id: item.id, outcome: 'unchanged' });
			plan.counts.unchanged++;
			continue;
		}
		state.set(item.id, next);
		writes.set(item.id, next);
		plan.events.push({
			id: item.id,
			kind: move === 'forward' ? 'status' : 'update',
			status,
			escalationLevel: level,
			at: move === 'forward' ? (item.statusAt ?? now) : now
		});
		plan.outcomes.push({ index: item.index, id: item.id, outcome: 'updated' });
		plan.counts.updated++;
	}
	plan.writes = [...writes.values()];
	return plan;
}
