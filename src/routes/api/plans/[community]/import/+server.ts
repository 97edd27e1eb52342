// POST /api/plans/<community>/import?crs=wgs84|gcj02|bd09|EPSG:4490…4554[&baseRevision=<id>][&note=…] with a
// GeoJSON file or a zipped Shapefile as the body (or multipart field `file`) → a new draft
// revision, validated like any save (400 bad file, 409 conflict, 422 hard violations).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiError, apiErrorFrom } from '$lib/server/http/api-errors';
import { importPlanFile } from '$lib/server/plans';
import { authorOf, positiveInt } from '$lib/server/plans/http';
import type { RequestHandler } from './$types';

const MAX_BYTES = Number(process.env.GRIDATLAS_MAX_IMPORT_MB ?? 200) * 1024 * 1024;

export const POST: RequestHandler = async ({ params, request, url, locals }) => {
	let name = url.searchParams.get('name') ?? 'plan.geojson';
	let bytes: Uint8Array;
	if ((request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
		const form = await request.formData();
		const file = form.get('file');
		if (!(file instanceof File)) return apiError(400, '缺少文件字段 file / the form has no file field', { code: 'no_file' });
		if (file.size > MAX_BYTES) return apiError(413, '文件过大 / the file is too large', { code: 'file_too_large' });
		name = file.name || name;
		bytes = new Uint8Array(await file.arrayBuffer());
	} else {
		bytes = new Uint8Array(await request.arrayBuffer());
		if (bytes.length > MAX_BYTES) return apiError(413, '文件过大 / the file is too large', { code: 'file_too_large' });
	}
	const baseParam = url.searchParams.get('baseRevision');
	const base = baseParam === null ? undefined : baseParam === '' || baseParam === 'null' ? null : positiveInt(baseParam);
	if (baseParam && baseParam !== 'null' && base === null)
		return apiError(400, `基准版本应为正整数 / baseRevision must be a positive whole number`, { code: 'bad_revision' });
	try {
		const result = await importPlanFile(
			requireDb(),
			params.community,
			{ name, bytes, crs: url.searchParams.get('crs') ?? undefined },
			{ note: url.searchParams.get('note') ?? undefined, baseRevision: base },
			{ author: authorOf(locals) }
		);
		return json(result, { status: 201, headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};
