import { json } from '@sveltejs/kit';
import { runtimeState } from '$lib/server/runtime';
import { healthFacts } from '$lib/server/runtime/health';

export async function GET() {
	const state = runtimeState();
	if (state.status === 'starting') return json({ status: 'starting' }, { status: 503 });
	if (state.status === 'error' || !state.db) return json({ status: 'error', error: state.error }, { status: 503 });
	return json({ status: 'ok', ...(await healthFacts(state.db)), startup_ms: (state.readyAt ?? 0) - state.startedAt, demo: state.demo });
}
