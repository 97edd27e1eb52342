// Network scenarios in the database (walk_scenarios, migration 022): listed, read, saved and deleted.
// The edits are checked by geo/network/scenario's parser before they are stored; names are unique
// regardless of case and surrounding spaces.
import { GridAtlasError } from '$geo/errors';
import { parseScenarioEdits, type ScenarioEdit } from '$geo/network/scenario';
import type { Queryable } from '../db';
import type { ScenarioSummary } from '../../coverage/scenario-types';

export const MAX_SCENARIOS = 200;
const NAME_MAX = 60;

export class ScenarioError extends GridAtlasError {
	constructor(
		readonly code: 'unknown_scenario' | 'bad_scenario_name' | 'duplicate_scenario' | 'too_many_scenarios' | 'no_network',
		zh: string,
		en: string
	) {
		super(`${zh} / ${en}`, { code, zh, en, status: code === 'unknown_scenario' ? 404 : code === 'duplicate_scenario' || code === 'no_network' ? 409 : 400 });
	}
}

interface Row {
	id: string;
	name: string;
	edits: ScenarioEdit[];
	created_by: string;
	created_at: string | Date;
	updated_at: string | Date;
}

const iso = (v: string | Date) => new Date(v).toISOString();
const summary = (r: Row): ScenarioSummary => ({
	id: Number(r.id),
	name: r.name,
	edits: r.edits,
	createdBy: r.created_by,
	createdAt: iso(r.created_at),
	updatedAt: iso(r.updated_at)
});
const COLUMNS = 'id, name, edits, created_by, created_at, updated_at';

export function parseScenarioName(input: unknown): string {
	const name = typeof input === 'string' ? input.trim() : '';
	if (!name || name.length > NAME_MAX)
		throw new ScenarioError('bad_scenario_name', `情景名称须为 1–${NAME_MAX} 个字符`, `a scenario's name must be 1–${NAME_MAX} characters`);
	return name;
}

export function parseScenarioId(input: string): number {
	const id = /^\d{1,15}$/.test(input) ? Number(input) : NaN;
	if (!Number.isSafeInteger(id) || id <= 0) throw new ScenarioError('unknown_scenario', `没有情景 ${input}`, `no scenario ${input}`);
	return id;
}

export async function listScenarios(q: Queryable): Promise<ScenarioSummary[]> {
	return (await q.query<Row>(`SELECT ${COLUMNS} FROM walk_scenarios ORDER BY updated_at DESC, id DESC`)).map(summary);
}

export async function getScenario(q: Queryable, id: number): Promise<ScenarioSummary> {
	const [row] = await q.query<Row>(`SELECT ${COLUMNS} FROM walk_scenarios WHERE id = $1`, [id]);
	if (!row) throw new ScenarioError('unknown_scenario', `没有情景 ${id}`, `no scenario ${id}`);
	return summary(row);
}

async function checkNameFree(q: Queryable, name: string, except: number | null) {
	const [clash] = await q.query<{ id: string }>('SELECT id FROM walk_scenarios WHERE lower(btrim(name)) = lower(btrim($1)) AND id IS DISTINCT FROM $2', [
		name,
		except
	]);
	if (clash) throw new ScenarioError('duplicate_scenario', `已有名为“${name}”的情景`, `a scenario named “${name}” exists already`);
}

/** The unique index settles a race two saves of one name would otherwise both win. */
async function named<T>(name: string, write: () => Promise<T>): Promise<T> {
	try {
		return await write();
	} catch (err) {
		if ((err as { code?: string }).code === '23505')
			throw new ScenarioError('duplicate_scenario', `已有名为“${name}”的情景`, `a scenario named “${name}” exists already`);
		throw err;
	}
}

/** Saves a new scenario (inside the caller's transaction). */
export async function createScenario(q: Queryable, input: { name?: unknown; edits?: unknown }, actor: string): Promise<ScenarioSummary> {
	const name = parseScenarioName(input.name);
	const edits = parseScenarioEdits(input.edits);
	const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM walk_scenarios');
	if (n >= MAX_SCENARIOS)
		throw new ScenarioError(
			'too_many_scenarios',
			`最多保存 ${MAX_SCENARIOS} 个情景，请先删除不用的`,
			`at most ${MAX_SCENARIOS} scenarios are kept: delete unused ones first`
		);
	await checkNameFree(q, name, null);
	const [row] = await named(name, () =>
		q.query<Row>(`INSERT INTO walk_scenarios (name, edits, created_by) VALUES ($1, $2::jsonb, $3) RETURNING ${COLUMNS}`, [name, JSON.stringify(edits), actor])
	);
	return summary(row);
}

/** Renames a scenario and/or replaces its edits. */
export async function updateScenario(q: Queryable, id: number, input: { name?: unknown; edits?: unknown }): Promise<ScenarioSummary> {
	const current = await getScenario(q, id);
	const name = input.name === undefined ? current.name : parseScenarioName(input.name);
	const edits = input.edits === undefined ? current.edits : parseScenarioEdits(input.edits);
	await checkNameFree(q, name, id);
	const [row] = await named(name, () =>
		q.query<Row>(`UPDATE walk_scenarios SET name = $2, edits = $3::jsonb, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [
			id,
			name,
			JSON.stringify(edits)
		])
	);
	return summary(row);
}

export async function deleteScenario(q: Queryable, id: number): Promise<void> {
	const rows = await q.query<{ id: string }>('DELETE FROM walk_scenarios WHERE id = $1 RETURNING id', [id]);
	if (rows.length === 0) throw new ScenarioError('unknown_scenario', `没有情景 ${id}`, `no scenario ${id}`);
}
