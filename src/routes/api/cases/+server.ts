// POST /api/cases → one case, a JSON array or a GeoJSON FeatureCollection (crs in the body or
// ?crs=gcj02|bd09). Valid items are stored in one transaction; each bad item gets its own error.
// GET /api/cases?since=&limit= → recent cases, newest first, and lastEventId: the stream position read
// before the list, so a client that then opens /api/cases/stream?lastEventId=… misses nothing. Both are
// the reader's jurisdiction's (the position too: the city's would count other units' events).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { ingestCases, listCases } from '$lib/server/cases';
import { readScope } from '$lib/server/auth/scope';
import { lastEventId } from '$lib/server/cases/events';
import { apiError, apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { intParam, timeParam } from '$lib/server/http/params';
import { isCrsName } from '$geo/cases';
import type { RequestHandler } from './$types';
import { streamedJson } from '$lib/server/http/json-stream';

export const GET: RequestHandler = async ({ url, locals }) => {
	const since = timeParam(url.searchParams.get('since'), 'since');
	const limit = intParam(url.searchParams.get('limit'), 'limit', { max: 5000, fallback: 100 });
	const db = requireDb();
	const scope = readScope(locals.user);
	const last = await lastEventId(db, scope);
	const cases = await listCases(db, { since: since?.toISOString(), limit, units: scope });
	return streamedJson({ cases, lastEventId: last }, { headers: { 'cache-control': 'no-store' } });
};

export const POST: RequestHandler = async ({ request, url, locals }) => {
	const crs = url.searchParams.get('crs');
	if (crs !== null && !isCrsName(crs)) {
		return apiError(400, `坐标系“${crs}”无效，可用 wgs84、gcj02、bd09 / unknown crs "${crs}"; use wgs84, gcj02 or bd09`, { code: 'bad_crs' });
	}
	const read = await readJson(request);
	if ('error' in read) return read.error;
	try {
		const result = await ingestCases(requireDb(), read.body, { crs: crs ? (crs.toLowerCase() as 'wgs84') : undefined, scope: readScope(locals.user) });
		const stored = result.inserted + result.updated;
		const message =
			result.rejected === 0
				? `已处理 ${result.received} 条：新增 ${result.inserted}，更新 ${result.updated}，未变 ${result.unchanged} / ${result.received} processed: ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged`
				: `${result.rejected} 条被拒绝，其余有效的 ${stored} 条已保存（未变 ${result.unchanged}）/ ${result.rejected} rejected; the ${stored} valid ones were stored (${result.unchanged} unchanged)`;
		const allRejected = result.received > 0 && result.rejected === result.received;
		return json(
			{ message, ...(allRejected ? { code: 'all_rejected' } : {}), ...result },
			{ status: allRejected ? 400 : 200, headers: { 'cache-control': 'no-store' } }
		);
	} catch (err) {
		return apiErrorFrom(err);
	}
};
