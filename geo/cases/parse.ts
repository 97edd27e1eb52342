// Reading a request body into cases: one case, a JSON array or a GeoJSON Feature/FeatureCollection,
// normalised to WGS-84 items plus one error per bad item.
import { positionToWgs84 } from '../crs';
import { toIsoTimestamp } from '../import/dates';
import { hasUnstorableText, shown } from '../import/text';
import type { CrsName } from '../types';
import {
	CASE_STATUSES,
	CaseBodyError,
	caseError,
	type CaseItem,
	type CaseItemError,
	type CaseStatus,
	categoryKey,
	EARLIEST_TIME,
	ESCALATION_LEVELS,
	type EscalationLevel,
	isCrsName,
	LATEST_TIME,
	MAX_BATCH,
	MAX_DESCRIPTION,
	type ParsedBatch,
	type ParseOptions
} from './types';

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
