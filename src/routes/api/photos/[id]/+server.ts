// GET /api/photos/<id>[?size=thumb] → a case photo (or its thumbnail) when its case lies in the
// reader's jurisdiction; 404 otherwise (not even that it exists is told).
import { requireDb } from '$lib/server/runtime';
import { readScope } from '$lib/server/auth/scope';
import { apiErrorFrom } from '$lib/server/http/api-errors';
import { readPhoto } from '$lib/server/worker/photos';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url, locals, request }) => {
	try {
		const photo = await readPhoto(requireDb(), readScope(locals.user), params.id, url.searchParams.get('size') === 'thumb');
		const etag = `"${photo.sha256}"`;
		const headers = { 'content-type': photo.mime, 'cache-control': 'private, no-cache', etag, 'content-security-policy': "default-src 'none'; sandbox" };
		if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
		return new Response(photo.bytes as Uint8Array<ArrayBuffer>, { headers });
	} catch (err) {
		return apiErrorFrom(err);
	}
};
