// GET /api/tokens → the tokens (never their secrets); POST {name, kind: api|wall, units?, scopes?,
// expiresInDays?} → {token, ...}: the secret, shown only in this answer. Admins only.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { createToken, listTokens } from '$lib/server/auth/tokens';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => json({ tokens: await listTokens(requireDb()) }, { headers: { 'cache-control': 'no-store' } });

export const POST: RequestHandler = async ({ request, locals }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	const body = (read.body ?? {}) as Record<string, unknown>;
	try {
		const { token, row } = await createToken(requireDb(), {
			name: String(body.name ?? ''),
			kind: String(body.kind ?? ''),
			units: Array.isArray(body.units) ? body.units.map(String) : undefined,
			scopes: Array.isArray(body.scopes) ? body.scopes.map(String) : undefined,
			expiresInDays: body.expiresInDays === undefined ? undefined : Number(body.expiresInDays),
			createdBy: locals.user?.kind === 'user' ? locals.user.id : null
		});
		return json({ token, ...row }, { status: 201, headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};
