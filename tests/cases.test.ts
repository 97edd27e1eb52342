// Case ingest on both engines with hand-made fixtures: attribution equals PostGIS ST_Contains,
// including the grid layout by date (grid_history); idempotent re-sends; the workflow; outside
// jurisdiction kept; one batch = one event run; the in-process stream hub; the file importer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { ATTRIBUTED_ROWS, getCase, ingestCases, listCases } from '../src/lib/server/cases';
import { caseEventStream, caseHub, closeCaseHub } from '../src/lib/server/cases/events';
import { importFile } from '../src/lib/server/imports';
import { reassignToHierarchy } from '../src/lib/server/layers/hierarchy';
import { testEngines } from './helpers/engines';
import { parseSimulateArgs, rateLine, SimulateUsageError } from '../src/cli/simulate-cases';

describe('simulate-cases arguments', () => {
	it('parses and refuses bad ones', () => {
		expect(parseSimulateArgs(['--rate', '20', '--duration', '5', '--url', 'http://127.0.0.1:5173/'])).toMatchObject({
			rate: 20,
			durationS: 5,
			url: 'http://127.0.0.1:5173',
			rhythm: true
		});
		expect(parseSimulateArgs(['--rate', '1', '--no-rhythm']).rhythm).toBe(false);
		expect(() => parseSimulateArgs([])).toThrow(SimulateUsageError);
		expect(() => parseSimulateArgs(['--rate', '-1'])).toThrow(/rate/);
		expect(() => parseSimulateArgs(['--rate', '1', '--url', 'nope'])).toThrow(/url/);
		expect(() => parseSimulateArgs(['--rate', '1', '--bogus'])).toThrow(SimulateUsageError);
	});
	it('says that --rate is the daily mean and what it gives now (issue 22: 5/s posted ≈ 0.6/s at night)', () => {
		const night = new Date('2026-12-06T19:00:00Z'); // 03:00 in Beijing
		const line = rateLine({ rate: 5, rhythm: true }, night);
		expect(line).toMatch(/^5 cases\/s daily mean; now ×0\.\d+ \(Beijing time\) ≈ 0\.\d+\/s/);
		expect(line).toContain('--no-rhythm');
		expect(rateLine({ rate: 5, rhythm: false }, night)).toBe('5 cases/s (steady, --no-rhythm)');
	});
});

const sq = (x0: number, y0: number, x1: number, y1: number) => `ST_Multi(ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`;
const SD = '320100001';
const C1 = '320100001001';
const C2 = '320100001002';
const G = (c: string, n: number) => `${c}${String(n).padStart(3, '0')}`;

async function fixtures(db: Db) {
	await db.exec(`
		INSERT INTO subdistricts (code, name, geom) VALUES ('${SD}', '测试街道', ${sq(118, 32, 118.2, 32.1)});
		INSERT INTO communities (code, subdistrict_code, name, geom) VALUES
			('${C1}', '${SD}', '东社区', ${sq(118, 32, 118.1, 32.1)}),
			('${C2}', '${SD}', '西社区', ${sq(118.1, 32, 118.2, 32.1)});
		INSERT INTO grids (code, community_code, seq, name, geom) VALUES
			('${G(C1, 1)}', '${C1}', 1, '网格1', ${sq(118, 32, 118.05, 32.1)}),
			('${G(C1, 2)}', '${C1}', 2, '网格2', ${sq(118.05, 32, 118.1, 32.1)}),
			('${G(C2, 1)}', '${C2}', 1, '网格3', ${sq(118.1, 32, 118.2, 32.1)});
	`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const engine of testEngines()) {
	describe(`cases on ${engine.name}`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
			await fixtures(db);
			if (engine.name === 'postgres') {
				const [{ schema }] = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
				const url = process.env.TEST_DATABASE_URL!;
				const sep = url.includes('?') ? '&' : '?';
				caseHub(db, { listenUrl: `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema},public`)}` });
			}
		}, 120_000);
		afterAll(async () => {
			await closeCaseHub(db);
			await engine.cleanup();
		});

		it('seeds the category list', async () => {
			const rows = await db.query<{ code: string }>('SELECT code FROM case_categories ORDER BY sort');
			expect(rows.map((r) => r.code)).toEqual(['dispute', 'safety_hazard', 'environment', 'livelihood', 'public_health', 'facility_damage', 'other']);
		});

		it('attributes a batch exactly as PostGIS ST_Contains; outside → kept and flagged', async () => {
			// A deterministic scatter over and around the fixtures, plus points outside every community.
			const items = Array.from({ length: 300 }, (_, i) => ({
				id: `A-${i}`,
				category: ['dispute', 'environment', '城市环境', 'safety_hazard'][i % 4],
				lon: 117.98 + ((i * 37) % 250) / 1000,
				lat: 31.99 + ((i * 53) % 120) / 1000,
				reported_at: '2026-05-01 09:30'
			}));
			const r = await ingestCases(db, items);
			expect(r).toMatchObject({ received: 300, inserted: 300, rejected: 0 });
			const mismatches = await db.query(
				`SELECT c.source_id FROM cases c
				 WHERE c.source_id LIKE 'A-%' AND (
					c.grid_code IS DISTINCT FROM (SELECT g.code FROM grids g WHERE ST_Contains(g.geom, c.geom) ORDER BY g.code LIMIT 1)
					OR c.community_code IS DISTINCT FROM (SELECT m.code FROM communities m WHERE ST_Contains(m.geom, c.geom) ORDER BY m.code LIMIT 1)
					OR c.subdistrict_code IS DISTINCT FROM (SELECT s.code FROM subdistricts s WHERE ST_Contains(s.geom, c.geom) ORDER BY s.code LIMIT 1)
					OR c.outside_jurisdiction <> NOT EXISTS (SELECT 1 FROM communities m WHERE ST_Contains(m.geom, c.geom)))`
			);
			expect(mismatches).toEqual([]);
			const [{ outside, inside }] = await db.query<{ outside: number; inside: number }>(
				`SELECT count(*) FILTER (WHERE outside_jurisdiction)::int AS outside, count(*) FILTER (WHERE grid_code IS NOT NULL)::int AS inside FROM cases WHERE source_id LIKE 'A-%'`
			);
			expect(outside).toBeGreaterThan(10);
			expect(inside).toBeGreaterThan(100);
		});

		it('uses the grid layout valid at the reported time', async () => {
			const before = new Date().toISOString();
			await sleep(30);
			// Grid 1 of C1 grows east to 118.08; grid 2 shrinks. A point at 118.06 changes grid.
			await db.exec(`UPDATE grids SET geom = ${sq(118, 32, 118.08, 32.1)} WHERE code = '${G(C1, 1)}';
				UPDATE grids SET geom = ${sq(118.08, 32, 118.1, 32.1)} WHERE code = '${G(C1, 2)}'`);
			await sleep(30);
			const after = new Date().toISOString();
			const history = await db.query<{ grid_code: string; open: boolean }>(
				`SELECT grid_code, valid_to IS NULL AS open FROM grid_history WHERE grid_code IN ('${G(C1, 1)}', '${G(C1, 2)}') ORDER BY grid_code, id`
			);
			expect(history.map((h) => h.open)).toEqual([false, true, false, true]);
			const r = await ingestCases(db, [
				{ id: 'T-old', category: 'other', lon: 118.06, lat: 32.05, reported_at: before },
				{ id: 'T-new', category: 'other', lon: 118.06, lat: 32.05, reported_at: after },
				{ id: 'T-ancient', category: 'other', lon: 118.06, lat: 32.05, reported_at: '2001-01-01T00:00:00Z' }
			]);
			expect(r.inserted).toBe(3);
			const grid = async (id: string) => (await getCase(db, id))!.grid_code;
			expect(await grid('T-old')).toBe(G(C1, 2));
			expect(await grid('T-ancient')).toBe(G(C1, 2));
			expect(await grid('T-new')).toBe(G(C1, 1));
			// Re-attribution after a boundary import keeps the rule (older cases stay in the old layout).
			await db.query(`UPDATE cases SET grid_code = NULL WHERE source_id LIKE 'T-%'`);
			await reassignToHierarchy(db);
			expect([await grid('T-old'), await grid('T-new'), await grid('T-ancient')]).toEqual([G(C1, 2), G(C1, 1), G(C1, 2)]);
			// Deleting a grid closes its history; re-inserting opens a version from now.
			await db.exec(`DELETE FROM grids WHERE code = '${G(C2, 1)}'`);
			await db.exec(`INSERT INTO grids (code, community_code, seq, name, geom) VALUES ('${G(C2, 1)}', '${C2}', 1, '网格3', ${sq(118.1, 32, 118.2, 32.1)})`);
			const v = await db.query<{ from_inf: boolean; open: boolean }>(
				`SELECT valid_from = '-infinity' AS from_inf, valid_to IS NULL AS open FROM grid_history WHERE grid_code = '${G(C2, 1)}' ORDER BY id`
			);
			expect(v).toEqual([
				{ from_inf: true, open: false },
				{ from_inf: false, open: true }
			]);
		});

		it('an identical re-send is a no-op; a later status updates and records the step', async () => {
			const c = { id: 'W-1', category: 'dispute', lon: 118.02, lat: 32.02, reported_at: '2026-05-01T08:00:00+08:00', description: '<b>楼道堆物</b>' };
			expect((await ingestCases(db, c)).inserted).toBe(1);
			const again = await ingestCases(db, c);
			expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, lastEventId: null });
			const step = await ingestCases(db, { id: 'W-1', status: 'registered' });
			expect(step).toMatchObject({ updated: 1 });
			const back = await ingestCases(db, { id: 'W-1', status: 'reported' });
			expect(back.rejected).toBe(1);
			expect(back.errors[0]).toMatchObject({ field: 'status', code: 'status_backwards' });
			const esc = await ingestCases(db, { id: 'W-1', status: 'escalated', escalation_level: 'community' });
			expect(esc.updated).toBe(1);
			const found = await getCase(db, 'W-1');
			expect(found).toMatchObject({ status: 'escalated', escalation_level: 'community', description: '<b>楼道堆物</b>', grid_code: G(C1, 1) });
			expect(found!.events.map((e) => e.status)).toEqual(['reported', 'registered', 'escalated']);
			expect(found!.due_at).not.toBeNull();
		});

		it('stores the valid items of a mixed batch and names each bad one', async () => {
			const r = await ingestCases(db, [
				{ id: 'M-1', category: 'environment', lon: 118.15, lat: 32.05 },
				{ id: 'M-2', category: 'nope', lon: 118.15, lat: 32.05 },
				{ id: 'M-3', category: 'environment', lon: 318.15, lat: 32.05 },
				{ id: 'M-4', category: 'environment', lon: 118.15, lat: 32.05, reported_at: 'not a date' },
				{ id: 'W-1', status: 'registered' }
			]);
			expect(r).toMatchObject({ received: 5, inserted: 1, rejected: 4 });
			expect(r.errors.map((e) => [e.index, e.id, e.field])).toEqual([
				[1, 'M-2', 'category'],
				[2, 'M-3', 'location'],
				[3, 'M-4', 'reported_at'],
				[4, 'W-1', 'status']
			]);
			expect((await listCases(db, { limit: 5000 })).some((c) => c.id === 'M-1')).toBe(true);
		});

		it('one batch → one hub fan-out; the stream resumes after Last-Event-ID without gaps', async () => {
			const hub = caseHub(db);
			await hub.whenReady();
			// Only this batch's events: a notification of the previous test's commit may still be in flight.
			const [{ before }] = await db.query<{ before: number }>('SELECT coalesce(max(id), 0)::int AS before FROM case_events');
			const seen: number[] = [];
			let calls = 0;
			const off = hub.subscribe((events) => {
				const mine = events.filter((e) => e.id > before);
				if (mine.length === 0) return;
				calls++;
				seen.push(...mine.map((e) => e.id));
			});
			const r = await ingestCases(
				db,
				Array.from({ length: 50 }, (_, i) => ({ id: `S-${i}`, category: 'other', lon: 118.03, lat: 32.03 }))
			);
			for (let t = 0; t < 100 && seen.length < 50; t++) await sleep(50);
			off();
			expect(seen).toHaveLength(50);
			expect(calls).toBe(1);
			expect(seen[49]).toBe(r.lastEventId);

			// A client that saw up to event seen[19] reconnects: it gets the rest, then live ones, once each.
			const stream = caseEventStream(db, { lastEventId: seen[19] });
			const reader = stream.getReader();
			const ids: number[] = [];
			const text = new TextDecoder();
			let buf = '';
			const readUntil = async (n: number) => {
				while (ids.length < n) {
					const { value } = await reader.read();
					buf += text.decode(value);
					let k;
					while ((k = buf.indexOf('\n\n')) >= 0) {
						const m = /^id: (\d+)$/m.exec(buf.slice(0, k));
						if (m) ids.push(Number(m[1]));
						buf = buf.slice(k + 2);
					}
				}
			};
			await readUntil(30);
			const live = await ingestCases(db, { id: 'S-live', category: 'other', lon: 118.03, lat: 32.03 });
			await readUntil(31);
			await reader.cancel();
			expect(ids).toEqual([...seen.slice(20), live.lastEventId]);
		});

		it.runIf(engine.name === 'postgres')('the LISTEN connection reconnects and catches up', async () => {
			const hub = caseHub(db);
			await hub.whenReady();
			const seen: number[] = [];
			const off = hub.subscribe((events) => seen.push(...events.map((e) => e.id)));
			const killed = await db.query<{ ok: boolean }>(
				`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
				 WHERE application_name = 'gridatlas-listen' AND datname = current_database() AND pid <> pg_backend_pid()`
			);
			expect(killed.length).toBeGreaterThan(0);
			const r = await ingestCases(db, { id: 'RC-1', category: 'other', lon: 118.03, lat: 32.03 }); // while reconnecting
			for (let t = 0; t < 100 && !seen.includes(r.lastEventId!); t++) await sleep(50);
			off();
			expect(seen).toContain(r.lastEventId);
		});

		it('the file importer uses the same rules (category aliases, outside kept)', async () => {
			const csv = 'id,category,status,经度,纬度\nI-1,城市环境,reported,118.01,32.01\nI-2,火星,reported,118.01,32.01\nI-3,其他,reported,119.5,32.5\n';
			const s = await importFile(db, { fileName: 'cases.csv', bytes: new TextEncoder().encode(csv), layer: 'cases' });
			expect(s.inserted).toBe(2);
			expect(s.rejectedIssues.map((i) => [i.index, i.rule])).toEqual([[1, 'unknown-category']]);
			expect(await getCase(db, 'I-1')).toMatchObject({ category: 'environment', grid_code: G(C1, 1) });
			expect(await getCase(db, 'I-3')).toMatchObject({ outside_jurisdiction: true, community_code: null });
		});

		it('attributes in memory exactly as the SQL rule: edges, vertices, one ulp inside, holes, multipolygons, layouts by date', async () => {
			// A second subdistrict: a community with a hole, a two-part community, grids sharing edges,
			// one grid redrawn between two report times, one deleted grid (its versions no longer count).
			const SD2 = '320100002',
				H = '320100002001',
				M = '320100002002';
			const wkt = (w: string) => `ST_GeomFromText('${w}', 4326)`;
			await db.exec(`
				INSERT INTO subdistricts (code, name, geom) VALUES ('${SD2}', '边界街道', ${sq(119, 32, 119.3, 32.1)});
				INSERT INTO communities (code, subdistrict_code, name, geom) VALUES
					('${H}', '${SD2}', '有洞社区', ${wkt('MULTIPOLYGON(((119 32,119.1 32,119.1 32.1,119 32.1,119 32),(119.04 32.04,119.06 32.04,119.06 32.06,119.04 32.06,119.04 32.04)))')}),
					('${M}', '${SD2}', '两块社区', ${wkt('MULTIPOLYGON(((119.1 32,119.15 32,119.15 32.05,119.1 32.05,119.1 32)),((119.2 32.05,119.3 32.05,119.3 32.1,119.2 32.1,119.2 32.05)))')});
				INSERT INTO grids (code, community_code, seq, name, geom) VALUES
					('${G(H, 1)}', '${H}', 1, '洞西', ${sq(119, 32, 119.05, 32.1)}),
					('${G(H, 2)}', '${H}', 2, '洞东', ${sq(119.05, 32, 119.1, 32.1)}),
					('${G(M, 1)}', '${M}', 1, '南块', ${wkt('MULTIPOLYGON(((119.1 32,119.15 32,119.15 32.05,119.1 32.05,119.1 32)))')}),
					('${G(M, 2)}', '${M}', 2, '北块', ${sq(119.2, 32.05, 119.3, 32.1)}),
					('${G(M, 3)}', '${M}', 3, '将删', ${sq(119.15, 32, 119.2, 32.05)});`);
			const before = new Date().toISOString();
			await sleep(30);
			await db.exec(`UPDATE grids SET geom = ${sq(119, 32, 119.07, 32.1)} WHERE code = '${G(H, 1)}';
				UPDATE grids SET geom = ${sq(119.07, 32, 119.1, 32.1)} WHERE code = '${G(H, 2)}';
				DELETE FROM grids WHERE code = '${G(M, 3)}';`);
			await sleep(30);
			const after = new Date().toISOString();
			const ulp = 2 ** -46; // one unit in the last place at 119°
			const xs = [...Array.from({ length: 32 }, (_, k) => (11899 + k) / 100), 119.1 - ulp, 119.1 + ulp, 119.05 - ulp, 119.04 + ulp, 119.2 - ulp];
			const ys = [...Array.from({ length: 13 }, (_, k) => (3199 + k) / 100), 32.05 - 2 ** -47, 32.04 + 0.0037];
			const times = [before, after, '2001-01-01T00:00:00.000001+08:00'];
			const items = xs.flatMap((lon, i) => ys.map((lat, j) => ({ id: `E-${i}-${j}`, category: 'other', lon, lat, reported_at: times[(i + j) % 3] })));
			const r = await ingestCases(db, items);
			expect(r).toMatchObject({ inserted: items.length, rejected: 0 });
			const rows = await db.query<{ source_id: string; grid_code: string | null; community_code: string | null; subdistrict_code: string | null; sql: string }>(
				`WITH r AS (SELECT c.source_id, c.reported_at, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat FROM cases c WHERE c.source_id LIKE 'E-%'), ${ATTRIBUTED_ROWS}
				 SELECT c.source_id, c.grid_code, c.community_code, c.subdistrict_code,
					concat_ws('/', b.grid_code, b.community_code, b.subdistrict_code) AS sql
				 FROM b JOIN cases c ON c.source_id = b.source_id`
			);
			expect(rows.length).toBe(items.length);
			const mismatches = rows.filter((c) => [c.grid_code, c.community_code, c.subdistrict_code].filter((x) => x !== null).join('/') !== c.sql);
			expect(mismatches).toEqual([]);
			// Not a vacuous match: every kind of answer occurs.
			const kinds = new Set(rows.map((c) => c.sql.split('/').length));
			expect(kinds).toEqual(new Set([1, 2, 3])); // nothing but a subdistrict / community + subdistrict / all three
			expect(rows.filter((c) => c.grid_code === G(H, 2)).length).toBeGreaterThan(10);
			expect(rows.some((c) => c.grid_code === null && c.community_code === null && c.subdistrict_code === null)).toBe(true);
		});

		it('deleting or renaming a unit carries into its cases; deleting a case deletes its steps', async () => {
			await ingestCases(db, [{ id: 'K-1', category: 'other', lon: 118.16, lat: 32.05 }]);
			expect(await getCase(db, 'K-1')).toMatchObject({ grid_code: G(C2, 1), community_code: C2, subdistrict_code: SD });
			await db.exec(`UPDATE grids SET code = '${G(C2, 9)}', seq = 9 WHERE code = '${G(C2, 1)}'`);
			expect(await getCase(db, 'K-1')).toMatchObject({ grid_code: G(C2, 9) });
			await db.exec(`DELETE FROM grids WHERE code = '${G(C2, 9)}'`);
			expect(await getCase(db, 'K-1')).toMatchObject({ grid_code: null, community_code: C2 });
			const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.source_id = 'K-1'`);
			expect(n).toBe(1);
			const [{ id }] = await db.query<{ id: string }>(`SELECT id::text FROM cases WHERE source_id = 'K-1'`);
			await db.exec(`DELETE FROM cases WHERE source_id = 'K-1'`);
			const [{ left }] = await db.query<{ left: number }>(`SELECT count(*)::int AS left FROM case_events WHERE case_id = ${Number(id)}`);
			expect(left).toBe(0);
			// A new case after the changes is attributed against them (the held boundaries were reloaded).
			await ingestCases(db, [{ id: 'K-2', category: 'other', lon: 118.16, lat: 32.05 }]);
			expect(await getCase(db, 'K-2')).toMatchObject({ grid_code: null, community_code: C2, subdistrict_code: SD });
		});
	});
}
