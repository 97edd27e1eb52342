// The harness of the fuzzing runs (tests/fuzz-import/): on each test engine a fresh database holding the
// fixture city; each input imported or ingested, the tables counted before and after, and judged.
// The server engine runs a fifth of the inputs (the same ones, from the same seed) to stay quick.
import { appendFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Db } from '../../../src/lib/server/db';
import { importFile, type ImportSummary } from '../../../src/lib/server/imports';
import { ingestCases, type IngestResult } from '../../../src/lib/server/cases';
import { closeCaseHub } from '../../../src/lib/server/cases/events';
import type { CrsName } from '$geo/types';
import { mulberry32, type Random } from '$geo/synth/prng';
import { testEngines } from '../engines';
import { COUNT, fixtures, ONLY, SEED, snapshot, TRACE, type Snapshot } from './city';
import type { Generated } from './bytes';
import { attempt, failureList, judgeImport, judgeIngest, type Outcome } from './judge';

export interface FuzzRun {
	/** The engine's name, for the tallies printed. */
	engine: string;
	/** Run input n only when n % every is 0 (1 on the embedded engine, 5 on the server). */
	every: number;
	/** Imports one input and judges it against the row counts before and after. */
	importOne(req: Generated['req'], where: string, failures: string[]): Promise<Outcome<ImportSummary>>;
	/** Ingests one case batch and judges it against the row counts before and after. */
	ingestOne(body: unknown, where: string, failures: string[], crs?: CrsName): Promise<Outcome<IngestResult>>;
	/** COUNT[kind] generated files imported one by one; fails with the first failures (seed in the message). */
	runImports(kind: 'geojson' | 'csv' | 'binary', generate: (r: Random, n: number) => Generated): Promise<void>;
}

/** The slowest inputs, printed with TRACE set. */
export function printSlowest(slowest: [number, string][]) {
	if (TRACE)
		console.log(
			slowest
				.sort((a, b) => b[0] - a[0])
				.slice(0, 12)
				.map(([t, l]) => `${t.toFixed(0)} ms ${l}`)
				.join('\n')
		);
}

/** A describe block per test engine, `fuzzing <subject> on <engine> (seed …)`, on a fresh fixture city. */
export function describeFuzz(subject: string, tests: (run: FuzzRun) => void) {
	for (const engine of testEngines()) {
		const every = engine.name === 'pglite' ? 1 : 5;

		describe(`fuzzing ${subject} on ${engine.name} (seed ${SEED})`, () => {
			let db: Db;
			let last: Snapshot;
			beforeAll(async () => {
				db = await engine.open();
				await fixtures(db);
				last = await snapshot(db);
			}, 120_000);
			afterAll(async () => {
				await closeCaseHub(db);
				await engine.cleanup();
			});

			async function importOne(req: Generated['req'], where: string, failures: string[]): Promise<Outcome<ImportSummary>> {
				const before = last;
				const outcome = await attempt(() => importFile(db, req));
				last = await snapshot(db);
				judgeImport(where, req, outcome, before, last, failures);
				return outcome;
			}

			async function ingestOne(body: unknown, where: string, failures: string[], crs?: CrsName): Promise<Outcome<IngestResult>> {
				const before = last;
				const outcome = await attempt(() => ingestCases(db, body, { crs }));
				last = await snapshot(db);
				judgeIngest(where, outcome, before, last, failures);
				return outcome;
			}

			async function runImports(kind: 'geojson' | 'csv' | 'binary', generate: (r: Random, n: number) => Generated) {
				const r = mulberry32(SEED ^ { geojson: 0x9e0, csv: 0xc5f, binary: 0xb1a }[kind]);
				const failures = failureList();
				const outcomes = { imported: 0, refused: 0 };
				const reasons = new Map<string, number>();
				const slowest: [number, string][] = [];
				for (let n = 0; n < COUNT[kind]; n++) {
					const { req, label } = generate(r, n);
					if (n % every !== 0 || (ONLY !== undefined && n !== ONLY)) continue;
					if (TRACE) {
						appendFileSync(TRACE, `${label} ${req.fileName.slice(0, 30)} ${Date.now()}\n`);
						writeFileSync(`${TRACE}.input`, req.bytes);
						writeFileSync(`${TRACE}.json`, JSON.stringify({ ...req, bytes: undefined }));
					}
					const where = `${label} [${req.fileName.slice(0, 40)} ${req.strict ? 'strict ' : ''}${req.dryRun ? 'dry-run ' : ''}${req.crs}]`;
					const t = performance.now();
					const outcome = await importOne(req, where, failures);
					slowest.push([performance.now() - t, label]);
					outcomes[outcome.ok ? 'imported' : 'refused']++;
					const reason = outcome.ok
						? `imported${outcome.value.rejected ? ' with rejections' : ''}`
						: ((outcome.error as { rule?: string }).rule ?? (outcome.error as Error).name);
					reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
				}
				const tally = [...reasons]
					.sort((a, b) => b[1] - a[1])
					.map(([k, v]) => `${k} ${v}`)
					.join(', ');
				console.log(
					`${engine.name} ${kind}: ${outcomes.imported + outcomes.refused} inputs, ${outcomes.imported} imported, ${outcomes.refused} refused (${tally})`
				);
				printSlowest(slowest);
				expect(failures.slice(0, 25), `${failures.length} failures (seed ${SEED})`).toEqual([]);
			}

			tests({ engine: engine.name, every, importOne, ingestOne, runImports });
		});
	}
}
