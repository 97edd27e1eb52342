// Every request passes through here: the one place where authentication and roles will be
// enforced, and where requests wait out the database start-up without ever seeing an error.
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { DatabaseStartingError, runtimeState, startRuntime, stopRuntime } from '$lib/server/runtime';
import { isCrossSiteWrite } from '$lib/server/csrf';
import { startingPage } from '$lib/server/starting-page';

// Open the database in the background (not awaited): the HTTP server answers at once.
export const init: ServerInit = () => {
	startRuntime().catch(() => {});
	// adapter-node stops accepting requests on SIGTERM/SIGINT, then emits this: close the database
	// so the process can exit (the embedded engine keeps it alive otherwise).
	process.once('sveltekit:shutdown' as never, () => {
		stopRuntime().finally(() => process.exit(0));
	});
};

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.user = null; // accounts and roles: see the accounts issue
	if (isCrossSiteWrite(event.request)) {
		return new Response('跨站表单提交被拒绝 / cross-site form submission refused', { status: 403 });
	}
	const { status } = runtimeState();
	const path = event.url.pathname;
	if (status !== 'ok' && path !== '/api/health' && !path.startsWith('/_app/')) {
		if (path.startsWith('/api/') || path.startsWith('/tiles/')) {
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
