// The session API for scripts and tests: GET → who is signed in ({principal: null} when nobody);
// POST {username, password} → a session cookie; DELETE → sign out.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { signIn, signOut } from '$lib/server/auth/sign-in';
import { userPrincipal } from '$lib/server/auth/users';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals }) => json({ principal: locals.user }, { headers: { 'cache-control': 'no-store' } });

export const POST: RequestHandler = async (event) => {
	const read = await readJson(event.request);
	if ('error' in read) return read.error;
	const body = (read.body ?? {}) as { username?: unknown; password?: unknown };
	try {
		const user = await signIn(requireDb(), event, body.username, body.password);
		return json({ principal: userPrincipal(user) }, { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

export const DELETE: RequestHandler = async (event) => {
	await signOut(requireDb(), event);
	return new Response(null, { status: 204 });
};
