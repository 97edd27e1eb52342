// POST /api/cases/<id>/photos (multipart: id, photo, thumb?, note?, taken_at?, exif_lon?, exif_lat?)
// → one photo of a case of the sender's jurisdiction: sniffed (JPEG/PNG/WebP/HEIC), size-limited,
// stored as a file, by the phone's id (sent twice, stored once). 1–6 per report or note.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiError, apiErrorFrom } from '$lib/server/http/api-errors';
import { savePhoto } from '$lib/server/worker/photos';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ params, request, locals }) => {
	const form = await request.formData().catch(() => null);
	if (!form) return apiError(400, '请求体应为 multipart/form-data / the body must be multipart/form-data', { code: 'bad_body' });
	try {
		return json(await savePhoto(requireDb(), locals.user!, params.id, form), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};
