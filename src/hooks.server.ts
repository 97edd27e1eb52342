// Every request passes through here: the one place where authentication and roles will be
// enforced, and where requests wait out the database start-up without ever seeing an error.
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { DatabaseStartingError, runtimeState, startRuntime } from '$lib/server/runtime';
import { startingPage } from '$lib/server/starting-page';

// Open the database in the background (not awaited): the HTTP server answers at once.
export const init: ServerInit = () => {
	startRuntime().catch(() => {});
};

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.user = null; // accounts and roles: see the accounts issue
	const { status } = runtimeState();
	const path = event.url.pathname;
	if (status !== 'ok' && path !== '/api/health' && !path.startsWith('/_app/')) {
		if (path.startsWith('/api/')) {
			return new Response(JSON.stringify({ status: 'starting' }), {
				status: 503,
				headers: { 'content-type': 'application/json', 'retry-after': '1' }
			});
		}
		return new Response(startingPage(status, runtimeState().error), {
			headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
		});
	}
	return resolve(event);
};

export const handleError: HandleServerError = ({ error }) => {
	if (error instanceof DatabaseStartingError) return { message: error.message };
	console.error(error);
	return { message: error instanceof Error ? error.message : '内部错误 / internal error' };
};
