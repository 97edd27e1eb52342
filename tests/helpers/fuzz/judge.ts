// Judging one input of the fuzzing runs (tests/fuzz-import/): it must either succeed or be refused with
// one of the typed, bilingual errors a planner gets to read (ImportFileError, ImportRejectedError,
// ImportLimitError, CaseBodyError) — never a TypeError, RangeError or database error — and a refused
// input must leave every table exactly as it was (rows counted before and after).
import { appendFileSync } from 'node:fs';
import { ImportLimitError, ImportRejectedError, type ImportSummary } from '../../../src/lib/server/imports';
import type { IngestResult } from '../../../src/lib/server/cases';
import { CaseBodyError } from '$geo/cases';
import { ImportFileError, type LayerName } from '$geo/types';
import { changed, TABLES, TRACE, type Snapshot } from './city';
import type { Generated } from './bytes';

const TYPED = [ImportFileError, ImportRejectedError, ImportLimitError, CaseBodyError];
const isTyped = (e: unknown) => TYPED.some((T) => e instanceof T);
const bilingual = (message: string) => /[\u4e00-\u9fff]/.test(message) && message.includes(' / ') && /[a-z]{3}/.test(message);
const describeError = (e: unknown) =>
	e instanceof Error ? `${e.name}: ${e.message.slice(0, 300)}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e);

const LAYER_TABLE: Record<LayerName, (typeof TABLES)[number]> = {
	subdistricts: 'subdistricts',
	communities: 'communities',
	grids: 'grids',
	buildings: 'buildings',
	facilities: 'facilities',
	roads: 'roads',
	landcover: 'landcover',
	cases: 'cases',
	// a register updates buildings and communities, never adds a row
	registers: 'buildings'
};

/** A list of failures that, with TRACE set, also lands in TRACE.failures as it grows. */
export function failureList(): string[] {
	const failures: string[] = [];
	if (TRACE)
		failures.push = (...items: string[]) => (
			appendFileSync(`${TRACE}.failures`, items.map((f) => `${f}\n`).join('')),
			Array.prototype.push.apply(failures, items)
		);
	return failures;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function attempt<T>(run: () => Promise<T>): Promise<Outcome<T>> {
	try {
		return { ok: true, value: await run() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** Refused: a typed bilingual error and not a row changed. Imported: the counts add up. */
export function judgeImport(where: string, req: Generated['req'], outcome: Outcome<ImportSummary>, before: Snapshot, after: Snapshot, failures: string[]) {
	if (!outcome.ok) {
		const error = outcome.error;
		if (!isTyped(error)) failures.push(`${where}: untyped ${describeError(error)}`);
		else if (!bilingual((error as Error).message)) failures.push(`${where}: message not 中文 / English: ${(error as Error).message.slice(0, 200)}`);
		if (changed(before, after)) failures.push(`${where}: refused but rows changed: ${changed(before, after)}`);
		return;
	}
	const s = outcome.value;
	for (const issue of [...s.rejectedIssues, ...s.repairedIssues]) {
		if (!bilingual(issue.message)) failures.push(`${where}: issue not 中文 / English: ${issue.message.slice(0, 200)}`);
	}
	if (req.dryRun) {
		if (changed(before, after)) failures.push(`${where}: dry run changed rows: ${changed(before, after)}`);
		return;
	}
	const table = LAYER_TABLE[req.layer];
	if (after[table] - before[table] !== s.inserted)
		failures.push(`${where}: ${table} grew by ${after[table] - before[table]}, summary says ${s.inserted} inserted`);
	if (after.import_runs - before.import_runs !== 1) failures.push(`${where}: import_runs grew by ${after.import_runs - before.import_runs}`);
}

/** Refused: a typed bilingual error and nothing written. Answered: cases grew by what it says, each rejected item explained. */
export function judgeIngest(where: string, outcome: Outcome<IngestResult>, before: Snapshot, after: Snapshot, failures: string[]) {
	if (!outcome.ok) {
		const error = outcome.error;
		if (!isTyped(error)) failures.push(`${where}: untyped ${describeError(error)}`);
		else if (!bilingual((error as Error).message)) failures.push(`${where}: message not 中文 / English: ${(error as Error).message}`);
		if (changed(before, after)) failures.push(`${where}: refused but rows changed: ${changed(before, after)}`);
		return;
	}
	const res = outcome.value;
	if (after.cases - before.cases !== res.inserted) failures.push(`${where}: cases grew by ${after.cases - before.cases}, result says ${res.inserted} inserted`);
	if (res.inserted + res.updated === 0 && after.case_events !== before.case_events) failures.push(`${where}: events written for a batch that changed nothing`);
	if (res.inserted + res.updated + res.unchanged + res.rejected !== res.received) {
		failures.push(
			`${where}: received ${res.received} ≠ inserted ${res.inserted} + updated ${res.updated} + unchanged ${res.unchanged} + rejected ${res.rejected}`
		);
	}
	for (const e of res.errors) {
		if (!e.zh || !e.en || !e.code || !bilingual(e.message)) failures.push(`${where}: item error without 中文 / English: ${JSON.stringify(e).slice(0, 200)}`);
	}
	const others = TABLES.filter((t) => t !== 'cases' && t !== 'case_events');
	if (others.some((t) => before[t] !== after[t])) failures.push(`${where}: ingest changed other tables: ${changed(before, after)}`);
}
