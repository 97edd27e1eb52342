// GET /api/coverage[?subdistrict=<9 digits>][&level=5min|10min|15min|community|block][&community=<12 digits>]
//   [&format=json|csv|geojson] → communities × enabled rules: status, share, households short;
//   per-subdistrict totals. Computed once per change of the inputs (see $lib/server/coverage).
import { requireDb } from '$lib/server/runtime';
import { filterReport, getCoverage } from '$lib/server/coverage';
import { coverageCsv, coverageGeoJSON } from '$lib/server/coverage/export';
import { RULE_LEVELS } from '$lib/server/coverage/rules';
import { apiError } from '$lib/server/http/api-errors';
import { streamedJson } from '$lib/server/http/json-stream';
import { unitCodeParam } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

const FORMATS = ['json', 'csv', 'geojson'] as const;

export const GET: RequestHandler = async ({ url }) => {
	const p = url.searchParams;
	const format = p.get('format') ?? 'json';
	if (!(FORMATS as readonly string[]).includes(format))
		return apiError(400, `格式须为 json、csv 或 geojson / format must be json, csv or geojson`, { code: 'bad_format' });
	const subdistrict = unitCodeParam(p.get('subdistrict'), 'subdistrict', ['subdistrict']);
	const community = unitCodeParam(p.get('community'), 'community', ['community']);
	const level = p.get('level') || null;
	if (level && !(RULE_LEVELS as readonly string[]).includes(level))
		return apiError(400, `层级须为 ${RULE_LEVELS.join('、')} / level must be one of ${RULE_LEVELS.join(', ')}`, { code: 'bad_level' });
	const db = requireDb();
	const report = filterReport((await getCoverage(db)).report, { subdistrict, level, community });
	if (community && report.communities.length === 0) return apiError(404, `未找到社区 ${community} / no community ${community}`, { code: 'unknown_community' });
	const stamp = report.computedAt.slice(0, 10);
	if (format === 'csv') {
		return new Response(coverageCsv(report), {
			headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="coverage-${stamp}.csv"`, 'cache-control': 'no-store' }
		});
	}
	if (format === 'geojson') {
		return streamedJson(await coverageGeoJSON(db, report), {
			headers: {
				'content-type': 'application/geo+json',
				'content-disposition': `attachment; filename="coverage-${stamp}.geojson"`,
				'cache-control': 'no-store'
			}
		});
	}
	// A city's report is large: written in slices, so other requests are answered meanwhile.
	return streamedJson(report, { headers: { 'cache-control': 'no-store' } });
};
