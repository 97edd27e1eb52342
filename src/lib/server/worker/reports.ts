// A report from the worker's phone (/m): the 小类 it chose, the place (with the phone's accuracy) and
// a short description, stored through the one case ingest (ingestCases: attribution, the sender's
// jurisdiction, idempotent by id), then the report's own facts beside the case. The phone's id is
// the case id, so a report queued offline and sent twice is one case.
import type { Db } from '../db';
import type { Principal } from '../../auth/capabilities';
import { ingestCases } from '../cases';
import { readScope } from '../auth/scope';
import { loadTaxonomy } from '../cases/taxonomy';
import { categoryForSubclass } from '../../worker/taxonomy';
import { bodyObject, clientId, FieldError, optionalText } from './errors';

export const MAX_REPORT_TEXT = 500;

export interface ReportAnswer {
	id: string;
	outcome: string;
	category: string;
	subclass: string;
	grid: string | null;
	lastEventId: number | null;
}

function coordinate(value: unknown, name: 'lon' | 'lat'): number {
	const max = name === 'lon' ? 180 : 90;
	if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > max) {
		throw new FieldError(
			'bad_location',
			`${name} 应为 WGS-84 ${name === 'lon' ? '经度' : '纬度'}`,
			`${name} must be a WGS-84 ${name === 'lon' ? 'longitude' : 'latitude'}`
		);
	}
	return value;
}

export async function submitReport(db: Db, principal: Principal, body: unknown, now = new Date()): Promise<ReportAnswer> {
	const o = bodyObject(body);
	const id = clientId(o.id);
	const tax = await loadTaxonomy(db);
	const sub = tax.subclasses.find((s) => s.code === o.subclass);
	if (!sub) throw new FieldError('bad_subclass', `小类“${String(o.subclass ?? '')}”不存在`, `no subclass "${String(o.subclass ?? '')}"`);
	const lon = coordinate(o.lon, 'lon');
	const lat = coordinate(o.lat, 'lat');
	const accuracy = o.accuracy === undefined || o.accuracy === null ? null : Number(o.accuracy);
	if (accuracy !== null && !(Number.isFinite(accuracy) && accuracy >= 0 && accuracy <= 1e6)) {
		throw new FieldError('bad_location', 'accuracy 应为米数', 'accuracy must be metres');
	}
	const description = optionalText(o.description, 'description', MAX_REPORT_TEXT);
	// The time the report was made on the phone (queued offline: earlier than now), never later than now.
	let reportedAt = now.toISOString();
	if (typeof o.reported_at === 'string' && Number.isFinite(Date.parse(o.reported_at))) {
		reportedAt = new Date(Math.min(Date.parse(o.reported_at), now.getTime())).toISOString();
	}
	const category = categoryForSubclass(tax, sub.code);
	const result = await ingestCases(
		db,
		{ id, category, lon, lat, reported_at: reportedAt, description, source: 'grid_worker' },
		{ scope: readScope(principal) }
	);
	if (result.rejected) {
		const e = result.errors[0];
		if (e.code === 'outside_jurisdiction')
			throw new FieldError(
				'outside_jurisdiction',
				`上报地点不在您的网格内（${principal.units.join('、')}）`,
				`the place is outside your grid(s) (${principal.units.join(', ')})`
			);
		throw new FieldError('bad_body', e.zh, e.en);
	}
	const [row] = await db.query<{ grid_code: string | null }>(
		`WITH c AS (SELECT id, grid_code FROM cases WHERE source_id = $1),
		 r AS (INSERT INTO case_reports (case_id, subclass_code, accuracy_m, corrected, reporter)
			SELECT id, $2, $3, $4, $5 FROM c ON CONFLICT (case_id) DO NOTHING)
		 SELECT grid_code FROM c`,
		[id, sub.code, accuracy, o.corrected === true, `${principal.kind}:${principal.name}`]
	);
	return {
		id,
		outcome: result.outcomes[0]?.outcome ?? 'unchanged',
		category,
		subclass: sub.code,
		grid: row?.grid_code ?? null,
		lastEventId: result.lastEventId
	};
}
