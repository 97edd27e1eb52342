// DELETE /api/tokens/<id> → revokes the token (effective on its next request). Admins only.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiError } from '$lib/server/api-errors';
import { revokeToken } from '$lib/server/auth/tokens';
import { AccountError } from '$lib/server/auth/users';
import { intParam } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = async ({ params }) => {
	const id = intParam(params.id, 'id');
	try {
		return json(await revokeToken(requireDb(), id));
	} catch (err) {
		if (err instanceof AccountError) return apiError(err.code === 'unknown_token' ? 404 : 400, err.message, { code: err.code });
		throw err;
	}
};
