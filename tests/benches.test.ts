// Every bench at its smoke size (`npm run bench -- <name> --smoke`, seconds each), so none can break
// unseen: it must run to the end and print RESULT with the keys it promises, its `identical` flags
// true. Timings are the machine's: never asserted. The benches that start the production server have
// their smoke tests in tests/benches/ (stall, bomb, load, startup and cases); the last test here checks
// that every bench has such a test.
// With TEST_DATABASE_URL the coverage and isochrone benches also run their PostGIS / pgRouting
// comparisons on that server (temporary tables and a schema of their own, dropped afterwards).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCHES, ROOT, smokeBench } from './helpers/bench';

const server = process.env.TEST_DATABASE_URL;

describe('benches at smoke size (core)', () => {
	it('coverage', async () => {
		const r = await smokeBench('coverage', ['ms', 'vs_turf', 'vs_postgis', 'identical', 'incremental_ms'], { env: { DATABASE_URL: server } });
		expect(r.vs_postgis === null).toBe(!server);
	}, 620_000);

	it('isochrone', async () => {
		const r = await smokeBench('isochrone', ['edges', 'isochrone_ms', 'all_communities_ms', 'network_coverage_ms', 'vs_pgrouting'], {
			env: { DATABASE_URL: server }
		});
		if (!server) expect(r.vs_pgrouting).toBeNull(); // with a server: null only where pgRouting is missing
	}, 620_000);

	it('capacity: catchments on foot and E2SFCA', async () => {
		const r = await smokeBench('capacity', ['buildings', 'facilities', 'catchments_ms', 'e2sfca_ms', 'identical']);
		expect(r.buildings).toBe(5000);
	}, 620_000);

	it('access: E2SFCA for one category from the search, beside the naive peer, a network scenario, and the optimize figures', async () => {
		const r = await smokeBench('access', [
			'buildings',
			'facilities',
			'category_facilities',
			'e2sfca_ms',
			'naive_ms',
			'speedup',
			'identical',
			'scenario_ms',
			'scenario_access_ms',
			'scenario_access_peer_ms',
			'scenario_access_identical',
			'mclp_ms',
			'mclp_gap',
			'greedy_shortfall_pct'
		]);
		expect(r.identical).toBe(true);
		expect(r.scenario_access_identical).toBe(true);
		expect(r.mclp_gap).toBe(0);
	}, 300_000);
	it('optimize: MCLP / LSCP solved by HiGHS beside the greedy', async () => {
		const r = await smokeBench('optimize', ['mclp_ms', 'mclp_gap', 'greedy_shortfall_pct', 'lscp_ms']);
		expect(r.mclp_gap).toBe(0);
	}, 620_000);

	it('scenario: a network scenario recomputed near its edits, against the whole city walked again', async () => {
		const r = await smokeBench('scenario', [
			'scenario_ms',
			'full_recompute_ms',
			'vs_full',
			'buildings',
			'facilities',
			'recomputed_buildings',
			'households_changed',
			'identical'
		]);
		expect(r.households_changed).toBeGreaterThan(0);
	}, 620_000);

	it('density', async () => {
		await smokeBench('density', ['bytes_per_case', 'encode_ms', 'hex_ms', 'hex_warm_ms', 'spikes_ms', 'cases', 'grids']);
	}, 620_000);

	it('partition', async () => {
		await smokeBench('partition', [
			'validate_ms',
			'propose_ms',
			'validate_30_ms',
			'validate_dirty_30_ms',
			'propose_30_ms',
			'validate_100_ms',
			'validate_dirty_100_ms',
			'propose_100_ms'
		]);
	}, 620_000);

	it('geo/tiles (the JS tiler alone)', async () => {
		await smokeBench('geo/tiles', ['us_per_feature', 'features_per_s']);
	}, 620_000);

	it('import: an OSM extract through the command line, beside osm2pgsql', async () => {
		const keys = [
			'buildings',
			'buildings_per_s',
			'vs_osm2pgsql',
			'peak_rss_mb',
			'embedded_s',
			'embedded_peak_rss_mb',
			'server_s',
			'server_peak_rss_mb',
			'osm2pgsql_s'
		];
		const r = await smokeBench('import', keys, { env: { DATABASE_URL: server } });
		expect(r.buildings).toBe(3000);
		expect(r.embedded_s).not.toBeNull();
		if (!server) expect(r.vs_osm2pgsql).toBeNull();
	}, 620_000);

	it('tiles (embedded engine)', async () => {
		await smokeBench('tiles', ['payload_ratio', 'p95_ms', 'cached_tiles_per_s', 'grids', 'p95_ms_z12_z16']);
	}, 620_000);

	it('sla: case scorecards over generated cases', async () => {
		const r = await smokeBench(
			'sla',
			server ? ['due_calc_per_s', 'pglite', 'postgres', 'rollup_overhead_ratio', 'same'] : ['due_calc_per_s', 'pglite', 'rollup_overhead_ratio', 'same'],
			{ env: { DATABASE_URL: server } }
		);
		// The write path measured with and without the rollup's triggers on every engine.
		for (const engine of server ? ['pglite', 'postgres'] : ['pglite'])
			expect(Object.keys(r[engine] as object)).toEqual(
				expect.arrayContaining(['step_ms', 'step_ms_no_rollup', 'rollup_overhead_ratio', 'ingest_overhead_ratio'])
			);
	}, 600_000);

	it('every bench npm run bench knows has a smoke test', () => {
		const tests: string[] = [];
		const walk = (dir: string) => {
			for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
				const p = path.join(dir, e.name);
				if (e.isDirectory()) walk(p);
				else if (e.name.endsWith('.test.ts')) tests.push(fs.readFileSync(p, 'utf8'));
			}
		};
		walk(path.join(ROOT, 'tests'));
		const esc = (s: string) => s.replace(/[/.]/g, '\\$&');
		const untested = BENCHES.filter(
			({ name }) => !tests.some((t) => new RegExp(`(smokeBench|runBench)\\(\\s*'${esc(name)}'|'scripts/bench\\.js',\\s*'${esc(name)}'`).test(t))
		).map((b) => b.name);
		expect(BENCHES.length).toBeGreaterThanOrEqual(10);
		expect(untested).toEqual([]);
	});
});
