// The fuzzing runs' settings and fixture city (tests/fuzz-import/): one subdistrict, two communities,
// three grids, and the row counts of every table an import or an ingest may touch.
//
// Reproduce a run with GRIDATLAS_FUZZ_SEED=<seed>; scale it with GRIDATLAS_FUZZ_SCALE (1 = the
// default 2,200 inputs on the embedded engine; the server engine, when TEST_DATABASE_URL is set,
// runs every fifth input). GRIDATLAS_FUZZ_TRACE=<file> logs each input before it runs (and the failures
// as they happen); GRIDATLAS_FUZZ_ONLY=<n> runs input n of each kind alone.
import type { Db } from '../../../src/lib/server/db';

export const SEED = Number(process.env.GRIDATLAS_FUZZ_SEED ?? 20240501);
const SCALE = Number(process.env.GRIDATLAS_FUZZ_SCALE ?? 1);
/** A file to append each input's label to before it runs: finds the input that hangs. */
export const TRACE = process.env.GRIDATLAS_FUZZ_TRACE;
/** Run only input number N of each kind (with TRACE, its bytes are left in TRACE.input). */
export const ONLY = process.env.GRIDATLAS_FUZZ_ONLY === undefined ? undefined : Number(process.env.GRIDATLAS_FUZZ_ONLY);
export const COUNT = { geojson: Math.round(1000 * SCALE), csv: Math.round(550 * SCALE), binary: Math.round(150 * SCALE), cases: Math.round(500 * SCALE) };

// --- the fixture city: one subdistrict, two communities, three grids --------------------------------

export const SD = '320102901';
export const C1 = `${SD}001`;
export const C2 = `${SD}002`;
export const BBOX = { minLon: 118, minLat: 32, maxLon: 118.2, maxLat: 32.1 };
const env = (x0: number, y0: number, x1: number, y1: number) => `ST_Multi(ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`;

export async function fixtures(db: Db) {
	await db.exec(`
		INSERT INTO subdistricts (code, name, geom) VALUES ('${SD}', '模糊测试街道', ${env(118, 32, 118.2, 32.1)});
		INSERT INTO communities (code, subdistrict_code, name, households, geom) VALUES
			('${C1}', '${SD}', '东社区', 1200, ${env(118, 32, 118.1, 32.1)}),
			('${C2}', '${SD}', '西社区', 900, ${env(118.1, 32, 118.2, 32.1)});
		INSERT INTO grids (code, community_code, seq, name, geom) VALUES
			('${C1}001', '${C1}', 1, '网格1', ${env(118, 32, 118.05, 32.1)}),
			('${C1}002', '${C1}', 2, '网格2', ${env(118.05, 32, 118.1, 32.1)}),
			('${C2}001', '${C2}', 1, '网格3', ${env(118.1, 32, 118.2, 32.1)});
	`);
}

export const TABLES = [
	'subdistricts',
	'communities',
	'grids',
	'buildings',
	'facilities',
	'roads',
	'landcover',
	'cases',
	'case_events',
	'import_runs',
	'walk_nodes',
	'walk_edges'
] as const;
export type Snapshot = Record<(typeof TABLES)[number], number>;

export async function snapshot(db: Db): Promise<Snapshot> {
	const [row] = await db.query<Snapshot>(`SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`);
	return row;
}

export const changed = (a: Snapshot, b: Snapshot) =>
	TABLES.filter((t) => a[t] !== b[t])
		.map((t) => `${t} ${a[t]}→${b[t]}`)
		.join(', ');
