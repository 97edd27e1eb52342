// GET /api/scenarios → { scenarios: [{id, name, edits, createdBy, createdAt, updatedAt}] }: the saved
// network scenarios (docs/coverage.md § Network scenarios).
// POST /api/scenarios { name, edits: [{kind, coordinates, label?}] } → 201 the saved scenario.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { createScenario, listScenarios } from '$lib/server/scenarios';
import { apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => json({ scenarios: await listScenarios(requireDb()) }, { headers: { 'cache-control': 'no-store' } });

export const POST: RequestHandler = async ({ request, locals }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	const body = (read.body ?? {}) as { name?: unknown; edits?: unknown };
	try {
		const db = requireDb();
		const saved = await db.transaction((tx) => createScenario(tx, body, locals.user?.name ?? 'system'));
		return json(saved, { status: 201 });
	} catch (err) {
		return apiErrorFrom(err);
	}
};
