// DELETE /api/tokens/<id> → revokes the token (effective on its next request). Admins only.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { answerOrError } from '$lib/server/http/api-errors';
import { revokeToken } from '$lib/server/auth/tokens';
import { intParam } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = async ({ params }) => {
	const id = intParam(params.id, 'id');
	return answerOrError(async () => json(await revokeToken(requireDb(), id)));
};
