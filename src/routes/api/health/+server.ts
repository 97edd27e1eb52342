import { json } from '@sveltejs/kit';
import { runtimeState } from '$lib/server/runtime';
import { healthFacts } from '$lib/server/runtime/health';

export async function GET() {
	const state = runtimeState();
	if (state.status === 'starting') return json({ status: 'starting' }, { status: 503 });
	if (state.status === 'error' || !state.db) return json({ status: 'error', error: state.error }, { status: 503 });
	// startup: what each step of this process's start took (ms; ./startup-steps), boot = loading the server's modules
	const startup = { boot: state.bootMs, ...state.steps.byKey() };
	return json({ status: 'ok', ...(await healthFacts(state.db)), startup_ms: (state.readyAt ?? 0) - state.startedAt, startup, demo: state.demo });
}
