// POST /logout: ends the session (a form button in the header) and returns to the sign-in page.
import { redirect } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { signOut } from '$lib/server/auth/sign-in';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	await signOut(requireDb(), event);
	redirect(303, '/login');
};
