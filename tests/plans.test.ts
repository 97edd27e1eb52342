// Grid plans on both engines with a hand-made community (about 950 m × 1,100 m, 12 buildings of
// 100 households in three columns): approved saves replace the grids in one transaction, hard
// violations refuse with the list and write nothing, band warnings, conflicts on a stale base,
// diffs (areas and buildings), exports (GeoJSON, CSV, Shapefile), file import, proposals, effective dates in grid_history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import type { Db } from '../src/lib/server/db';
import {
	PlanConflictError,
	PlanInputError,
	PlanViolationError,
	diffRevisions,
	exportPlan,
	getRevision,
	importPlanFile,
	listRevisions,
	loadPlan,
	proposePlan,
	savePlan
} from '../src/lib/server/plans';
import { testEngines } from './helpers/engines';
import { readShapefileZip } from '$geo/readers/shapefile';
import { PLAN_VERTEX_LIMITS, PLAN_VERTICES_PER_REQUEST } from '$geo/validate/limits';

/** Unsigned shoelace area of a ring (degree²). */
const area = (ring: number[][]) =>
	Math.abs(
		ring.reduce((s, p, i) => {
			const q = ring[(i + 1) % ring.length];
			return s + p[0] * q[1] - q[0] * p[1];
		}, 0) / 2
	);

const SD = '320100001';
const C = '320100001001';
const OTHER = '320100001002';
const G = (n: number) => `${C}${String(n).padStart(3, '0')}`;
const X0 = 118,
	X1 = 118.01,
	Y0 = 32,
	Y1 = 32.01;
const env = (x0: number, y0: number, x1: number, y1: number) => `ST_Multi(ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`;
const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
	type: 'Polygon',
	coordinates: [
		[
			[x0, y0],
			[x1, y0],
			[x1, y1],
			[x0, y1],
			[x0, y0]
		]
	]
});
const A = X0 + (X1 - X0) / 3,
	B = X0 + (2 * (X1 - X0)) / 3;
const strips = () => [
	{ code: G(1), name: '西', kind: 'basic', geometry: rect(X0, Y0, A, Y1) },
	{ code: G(2), name: '中', kind: 'basic', geometry: rect(A, Y0, B, Y1) },
	{ code: G(3), name: '东', kind: 'basic', geometry: rect(B, Y0, X1, Y1) }
];
const COLS = [X0 + 0.0017, X0 + 0.005, X0 + 0.0083];
const ROWS = [Y0 + 0.001, Y0 + 0.004, Y0 + 0.006, Y0 + 0.009];

async function fixtures(db: Db) {
	await db.exec(`
		INSERT INTO subdistricts (code, name, geom) VALUES ('${SD}', '测试街道', ${env(X0, Y0, X1 + 0.01, Y1)});
		INSERT INTO communities (code, subdistrict_code, name, geom) VALUES
			('${C}', '${SD}', '规划社区', ${env(X0, Y0, X1, Y1)}),
			('${OTHER}', '${SD}', '邻居社区', ${env(X1, Y0, X1 + 0.01, Y1)});
		INSERT INTO grids (code, community_code, seq, name, geom) VALUES
			('${G(1)}', '${C}', 1, '老西', ${env(X0, Y0, (X0 + X1) / 2, Y1)}),
			('${G(2)}', '${C}', 2, '老东', ${env((X0 + X1) / 2, Y0, X1, Y1)}),
			('${OTHER}001', '${OTHER}', 1, '邻格', ${env(X1, Y0, X1 + 0.01, Y1)});
	`);
	let i = 0;
	for (const x of COLS)
		for (const y of ROWS) {
			i++;
			await db.query(
				`INSERT INTO buildings (source_id, geom, footprint_m2, households, community_code, grid_code)
				 VALUES ($1, ${env(x - 0.0001, y - 0.0001, x + 0.0001, y + 0.0001)}, 200, 100, $2, $3)`,
				[`b${i}`, C, x < (X0 + X1) / 2 ? G(1) : G(2)]
			);
		}
	await db.exec(`INSERT INTO roads (source_id, highway, walkable, geom) VALUES
		('r1', 'residential', true, ST_Multi(ST_GeomFromText('LINESTRING(${A} ${Y0 - 0.001}, ${A} ${Y1 + 0.001})', 4326)))`);
}

const TODAY = '2026-05-10';

for (const engine of testEngines()) {
	describe(`grid plans on ${engine.name}`, () => {
		let db: Db;
		let approved = 0;
		beforeAll(async () => {
			db = await engine.open();
			await fixtures(db);
		}, 120_000);
		afterAll(() => engine.cleanup());

		it('loads the plan: boundary, band, grids in force, buildings, neighbours, roads', async () => {
			const plan = await loadPlan(db, C);
			expect(plan.community).toMatchObject({ code: C, name: '规划社区', band: { min: 300, max: 500 } });
			expect(plan.grids.map((g) => g.code)).toEqual([G(1), G(2)]);
			expect(plan.openedFrom).toEqual({ kind: 'grids' });
			expect(plan.latestRevision).toBeNull();
			expect(plan.buildings).toHaveLength(12);
			expect(plan.buildings.every((b) => b.households === 100 && b.painted === null)).toBe(true);
			expect(plan.neighbours.features.map((f) => f.properties.code)).toEqual([`${OTHER}001`]);
			expect(plan.roads.features).toHaveLength(1);
			await expect(loadPlan(db, '320100001999')).rejects.toMatchObject({ code: 'unknown_community' });
			await expect(loadPlan(db, '12')).rejects.toMatchObject({ code: 'bad_community' });
		});

		it('names every bad input and writes nothing', async () => {
			const bad = [
				{ code: '123', geometry: rect(X0, Y0, A, Y1) },
				{ code: `${OTHER}005`, geometry: rect(A, Y0, B, Y1) },
				{ code: G(3), kind: 'school', geometry: { type: 'Point', coordinates: [X0, Y0] } },
				{ code: G(4), geometry: rect(X0, Y0, 200, Y1) },
				{ code: G(4), geometry: rect(X0, Y0, A, Y1) }
			];
			const err = await savePlan(
				db,
				C,
				{ grids: bad, status: 'approved', baseRevision: null, effectiveFrom: '2999-01-01', assignments: { nope: G(1) } },
				{ author: 't', today: TODAY }
			).catch((e) => e);
			expect(err).toBeInstanceOf(PlanInputError);
			const codes = (err as PlanInputError).errors.map((e) => `${e.field}:${e.code}`);
			expect(codes).toEqual(
				expect.arrayContaining([
					'grids[0].code:bad_code',
					'grids[1].code:other_community',
					'grids[2].kind:bad_kind',
					'grids[2].geometry:bad_geometry_type',
					'grids[3].geometry:bad_coordinates',
					'grids[4].code:duplicate_code',
					'effectiveFrom:effective_in_future',
					'assignments.nope:unknown_building'
				])
			);
			for (const e of (err as PlanInputError).errors) expect(e.zh && e.en).toBeTruthy();
			expect(await listRevisions(db, C)).toEqual([]);
		});

		it('refuses hard violations with the list; nothing is written', async () => {
			const gappy = strips();
			gappy[1].geometry = rect(A + 0.0005, Y0, B, Y1); // a 47 m gap west of the middle grid
			gappy[2].geometry = rect(B - 0.0003, Y0, X1 + 0.0005, Y1); // overlaps the middle one and leaves the community
			const err = await savePlan(db, C, { grids: gappy, status: 'approved', baseRevision: null, effectiveFrom: TODAY }, { author: 't', today: TODAY }).catch(
				(e) => e
			);
			expect(err).toBeInstanceOf(PlanViolationError);
			const kinds = (err as PlanViolationError).violations.map((v) => v.kind).sort();
			expect(kinds).toEqual(['gap', 'outside', 'overlap']);
			const gap = (err as PlanViolationError).violations.find((v) => v.kind === 'gap')!;
			expect(gap.areaM2).toBeGreaterThan(0.0005 * 94_400 * 1_109 * 0.95);
			expect(gap.message.zh).toMatch(/平方米/);
			expect(await listRevisions(db, C)).toEqual([]);
			const grids = await db.query<{ code: string }>('SELECT code FROM grids WHERE community_code = $1 ORDER BY code', [C]);
			expect(grids.map((g) => g.code)).toEqual([G(1), G(2)]);
		});

		it('saves an approved revision: grids replaced in one go, baseline kept, buildings and history follow', async () => {
			const r = await savePlan(
				db,
				C,
				{ grids: strips(), status: 'approved', note: '三等分', baseRevision: null, effectiveFrom: TODAY },
				{ author: 'planner1', today: TODAY }
			);
			approved = r.revision.id;
			expect(r.revision).toMatchObject({ status: 'approved', note: '三等分', author: 'planner1', effectiveFrom: TODAY, source: 'editor', grids: 3 });
			expect(r.warnings).toEqual([]);
			expect(r.replaced).toEqual({ inserted: 1, updated: 2, deleted: 0 });
			expect(r.revision.stats.households).toEqual({ [G(1)]: 400, [G(2)]: 400, [G(3)]: 400 });
			const revs = await listRevisions(db, C);
			expect(revs.map((x) => [x.source, x.status])).toEqual([
				['editor', 'approved'],
				['baseline', 'approved']
			]);
			expect(r.revision.baseRevision).toBe(revs[1].id);
			const grids = await db.query<{ code: string; name: string; illustrative: boolean }>(
				'SELECT code, name, illustrative FROM grids WHERE community_code = $1 ORDER BY code',
				[C]
			);
			expect(grids.map((g) => g.code)).toEqual([G(1), G(2), G(3)]);
			expect(grids[2].name).toBe('东');
			const hh = await db.query<{ grid_code: string; n: number }>(
				'SELECT grid_code, sum(households)::int AS n FROM buildings GROUP BY grid_code ORDER BY grid_code'
			);
			expect(hh).toEqual([
				{ grid_code: G(1), n: 400 },
				{ grid_code: G(2), n: 400 },
				{ grid_code: G(3), n: 400 }
			]);
			// New versions are valid from the effective day (Beijing midnight), the old ones end then.
			const hist = await db.query<{ grid_code: string; from: string; to: string | null }>(
				`SELECT grid_code, CASE WHEN valid_from = '-infinity' THEN '-infinity' ELSE to_char(valid_from AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') END AS from,
					to_char(valid_to AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS to FROM grid_history WHERE community_code = $1 ORDER BY grid_code, id`,
				[C]
			);
			expect(hist).toEqual([
				{ grid_code: G(1), from: '-infinity', to: '2026-05-09 16:00' },
				{ grid_code: G(1), from: '2026-05-09 16:00', to: null },
				{ grid_code: G(2), from: '-infinity', to: '2026-05-09 16:00' },
				{ grid_code: G(2), from: '2026-05-09 16:00', to: null },
				{ grid_code: G(3), from: '2026-05-09 16:00', to: null }
			]);
			const plan = await loadPlan(db, C);
			expect(plan.latestRevision).toBe(approved);
			expect(plan.openedFrom).toEqual({ kind: 'revision', id: approved, status: 'approved' });
		});

		it('an effective date before the last change is refused', async () => {
			const err = await savePlan(
				db,
				C,
				{ grids: strips(), status: 'approved', baseRevision: approved, effectiveFrom: '2026-05-01' },
				{ author: 't', today: TODAY }
			).catch((e) => e);
			expect(err).toBeInstanceOf(PlanInputError);
			expect((err as PlanInputError).errors[0]).toMatchObject({ field: 'effectiveFrom', code: 'effective_too_early' });
		});

		let draft = 0;
		it('saves a draft with band warnings; the grids in force stay', async () => {
			const two = [
				{ code: G(1), name: '西', geometry: rect(X0, Y0, B, Y1) },
				{ code: G(3), name: '东', geometry: rect(B, Y0, X1, Y1) }
			];
			const r = await savePlan(db, C, { grids: two, status: 'draft', note: '合并', baseRevision: approved }, { author: 'planner2', today: TODAY });
			draft = r.revision.id;
			expect(r.replaced).toBeNull();
			expect(r.warnings.map((w) => [w.kind, w.grids, w.side, w.by])).toEqual([['band', [G(1)], 'above', 300]]);
			expect(r.revision.stats.warnings?.[0].message.en).toMatch(/800 households, 300 above the maximum of 500/);
			const inForce = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM grids WHERE community_code = $1', [C]);
			expect(inForce[0].n).toBe(3);
			const plan = await loadPlan(db, C);
			expect(plan.openedFrom).toEqual({ kind: 'revision', id: draft, status: 'draft' });
			expect(plan.grids.map((g) => g.code)).toEqual([G(1), G(3)]);
			expect(plan.inForce).toHaveLength(3);
		});

		it('a save based on a stale revision is a conflict carrying the latest', async () => {
			const err = await savePlan(db, C, { grids: strips(), status: 'draft', baseRevision: approved }, { author: 'planner1', today: TODAY }).catch((e) => e);
			expect(err).toBeInstanceOf(PlanConflictError);
			expect((err as PlanConflictError).latest).toMatchObject({ id: draft, author: 'planner2', status: 'draft' });
			expect((err as PlanConflictError).message).toMatch(/planner2/);
			expect((await listRevisions(db, C))[0].id).toBe(draft);
		});

		it('paints a building into a grid that does not hold it; the revision keeps it', async () => {
			const plan = await loadPlan(db, C);
			const east = plan.buildings.find((b) => Math.abs(b.lon - COLS[2]) < 1e-6 && Math.abs(b.lat - ROWS[0]) < 1e-6)!;
			const r = await savePlan(
				db,
				C,
				{ grids: strips(), assignments: { [east.id]: G(2) }, status: 'draft', baseRevision: draft },
				{ author: 'p', today: TODAY }
			);
			expect(r.revision.stats.households).toEqual({ [G(1)]: 400, [G(2)]: 500, [G(3)]: 300 });
			const rev = await getRevision(db, C, r.revision.id);
			expect(rev.painted).toEqual({ [east.id]: G(2) });
			expect(rev.layout.features.map((f) => [f.properties.code, f.properties.households])).toEqual([
				[G(1), 400],
				[G(2), 500],
				[G(3), 300]
			]);
			const reopened = await loadPlan(db, C);
			expect(reopened.buildings.find((b) => b.id === east.id)!.painted).toBe(G(2));
			draft = r.revision.id;
		});

		it('diffs two revisions: the areas that changed grid with m², the buildings that moved', async () => {
			const merged = (await listRevisions(db, C)).find((r) => r.note === '合并')!;
			const d = await diffRevisions(db, C, approved, merged.id);
			// The middle strip went to the west grid; the middle grid is gone.
			expect(d.removed).toEqual([G(2)]);
			expect(d.added).toEqual([]);
			expect(d.areas.features.map((f) => [f.properties.from, f.properties.to])).toEqual([[G(2), G(1)]]);
			const stripM2 = ((X1 - X0) / 3) * 111_320 * Math.cos((32.005 * Math.PI) / 180) * (Y1 - Y0) * 110_860;
			expect(d.areas.features[0].properties.area_m2).toBeGreaterThan(stripM2 * 0.98);
			expect(d.areas.features[0].properties.area_m2).toBeLessThan(stripM2 * 1.02);
			expect(d.buildings).toHaveLength(4);
			expect(d.buildings.every((b) => b.from === G(2) && b.to === G(1) && b.households === 100)).toBe(true);
			expect(d.totals).toMatchObject({ buildings: 4, households: 400 });
			await expect(diffRevisions(db, C, approved, 999999)).rejects.toMatchObject({ code: 'unknown_revision' });
		});

		it('exports the grids in force as GeoJSON and CSV with households', async () => {
			const gj = await exportPlan(db, C, 'geojson');
			const fc = JSON.parse(gj.body);
			expect(gj.fileName).toBe(`grids-${C}.geojson`);
			expect(fc.features.map((f: any) => [f.properties.code, f.properties.households, f.properties.kind, f.geometry.type])).toEqual([
				[G(1), 400, 'basic', 'MultiPolygon'],
				[G(2), 400, 'basic', 'MultiPolygon'],
				[G(3), 400, 'basic', 'MultiPolygon']
			]);
			const csv = await exportPlan(db, C, 'csv');
			const lines = csv.body
				.replace(/^\ufeff/, '')
				.trim()
				.split('\n');
			expect(lines[0]).toBe('code,community_code,community_name,subdistrict_code,seq,name,kind,households,buildings,area_m2');
			expect(lines.slice(1).map((l) => l.split(',').slice(0, 9).join(','))).toEqual([
				`${G(1)},${C},规划社区,${SD},1,西,basic,400,4`,
				`${G(2)},${C},规划社区,${SD},2,中,basic,400,4`,
				`${G(3)},${C},规划社区,${SD},3,东,basic,400,4`
			]);
			const rev = JSON.parse((await exportPlan(db, C, 'geojson', draft)).body);
			expect(rev.features.map((f: any) => f.properties.households)).toEqual([400, 500, 300]);
		});

		it('exports the grids as a zipped Shapefile that the Shapefile reader reads back', async () => {
			const file = await exportPlan(db, C, 'shp');
			expect(file.fileName).toBe(`grids-${C}.zip`);
			expect(file.contentType).toBe('application/zip');
			const fc = await readShapefileZip(file.body, file.fileName);
			const gj = JSON.parse((await exportPlan(db, C, 'geojson')).body);
			expect(fc.features.map((f) => f.properties)).toEqual(
				gj.features.map((f: any) => ({
					code: f.properties.code,
					comm_code: C,
					comm_name: '规划社区',
					subd_code: SD,
					seq: f.properties.seq,
					name: f.properties.name,
					kind: 'basic',
					households: 400,
					buildings: 4,
					area_m2: f.properties.area_m2
				}))
			);
			// The same shapes, outer rings the GeoJSON way round again (a clockwise shell read back as a shell).
			fc.features.forEach((f, i) => {
				const got = f.geometry as any,
					want = gj.features[i].geometry;
				const rings = (g: any) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
				expect(rings(got).length).toBe(rings(want).length);
				expect(area(rings(got)[0][0])).toBeCloseTo(area(rings(want)[0][0]), 12);
				for (const p of rings(want)[0][0])
					expect(rings(got)[0][0].some((q: number[]) => Math.abs(q[0] - p[0]) < 1e-9 && Math.abs(q[1] - p[1]) < 1e-9)).toBe(true);
			});
			// A revision's grids too; a bad format is refused by the route, an empty layout here.
			const rev = await readShapefileZip((await exportPlan(db, C, 'shp', draft)).body);
			expect(rev.features.map((f) => f.properties?.households)).toEqual([400, 500, 300]);
		});

		it('imports a layout file into a draft: codes kept where a grid is covered, new ones numbered', async () => {
			const file = {
				type: 'FeatureCollection',
				features: [
					{ type: 'Feature', properties: { 名称: '甲' }, geometry: rect(X0, Y0, A, Y1) },
					{ type: 'Feature', properties: { name: '乙' }, geometry: rect(A, Y0, X1, (Y0 + Y1) / 2) },
					{ type: 'Feature', properties: { name: '丙', kind: '专属网格' }, geometry: rect(A, (Y0 + Y1) / 2, X1, Y1) }
				]
			};
			const latest = (await listRevisions(db, C))[0].id;
			const r = await importPlanFile(db, C, { name: 'plan.geojson', text: JSON.stringify(file) }, { baseRevision: latest }, { author: 'p', today: TODAY });
			expect(r.revision).toMatchObject({ status: 'draft', source: 'import', grids: 3 });
			const rev = await getRevision(db, C, r.revision.id);
			const byName = Object.fromEntries(rev.layout.features.map((f) => [f.properties.name, [f.properties.code, f.properties.kind]]));
			expect(byName['甲']).toEqual([G(1), 'basic']);
			// West→east, north→south after the highest code in use (003): the northern one first.
			expect(byName['丙']).toEqual([G(4), 'dedicated']);
			expect(byName['乙']).toEqual([G(5), 'basic']);
			await expect(importPlanFile(db, C, { name: 'x.geojson', text: '{"a":1' }, {}, { author: 'p' })).rejects.toMatchObject({ code: 'bad_file' });
			// The Shapefile export reads back in: same grids, same codes (a round trip through the zip).
			const shp = (await exportPlan(db, C, 'shp', r.revision.id)).body;
			const back = await importPlanFile(db, C, { name: 'grids.zip', bytes: shp }, { baseRevision: r.revision.id }, { author: 'p', today: TODAY });
			const again = await getRevision(db, C, back.revision.id);
			expect(again.layout.features.map((f) => f.properties.code).sort()).toEqual(rev.layout.features.map((f) => f.properties.code).sort());
			// Bytes that are neither GeoJSON nor a zipped Shapefile: refused by name, nothing saved.
			const csv = new TextEncoder().encode('code,name\n320102002001,甲\n');
			await expect(importPlanFile(db, C, { name: 'grids.csv', bytes: csv }, {}, { author: 'p' })).rejects.toMatchObject({ code: 'bad_file' });
			await expect(importPlanFile(db, C, { name: 'grids.zip', bytes: new Uint8Array([80, 75, 3, 4, 0, 0]) }, {}, { author: 'p' })).rejects.toMatchObject({
				code: 'bad_file'
			});
			const outside = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: rect(X0, Y0, X1 + 0.002, Y1) }] };
			await expect(importPlanFile(db, C, { name: 'o.geojson', text: JSON.stringify(outside) }, {}, { author: 'p' })).rejects.toBeInstanceOf(PlanViolationError);
		});

		it('proposes a balanced partition and rebalances a plan (not saved)', async () => {
			const before = (await listRevisions(db, C)).length;
			const p = await proposePlan(db, C, {});
			expect(p.feasible).toBe(true);
			expect(p.grids).toHaveLength(3);
			expect(Object.values(p.households).sort()).toEqual([400, 400, 400]);
			expect(p.violations.filter((v) => v.severity === 'hard')).toEqual([]);
			expect(p.grids.every((g) => g.code.startsWith(C))).toBe(true);
			const r = await proposePlan(db, C, {
				mode: 'rebalance',
				grids: [
					{ code: G(1), geometry: rect(X0, Y0, B, Y1) },
					{ code: G(3), geometry: rect(B, Y0, X1, Y1) }
				],
				band: { min: 500, max: 700 }
			});
			expect(r.mode).toBe('rebalance');
			// The columns are 300 m apart: no building has a neighbour across the border to move.
			expect(r.households).toEqual({ [G(1)]: 800, [G(3)]: 400 });
			expect(r.feasible).toBe(false);
			expect(r.explanation?.en).toMatch(/2 grid\(s\) remain outside 500–700/);
			const none = await proposePlan(db, C, { target: 7 });
			expect(none.feasible).toBe(false);
			expect(none.explanation?.en).toMatch(/7 grids/);
			await expect(proposePlan(db, C, { mode: 'x', target: 0 })).rejects.toMatchObject({ code: 'bad_input' });
			expect((await listRevisions(db, C)).length).toBe(before);
		});

		it('refuses grids over the vertex limits before any computation, naming the limit; nothing is written', async () => {
			const before = (await listRevisions(db, C)).length;
			// A rectangle whose south side is cut into n − 4 pieces: n positions in one ring.
			const dense = (x0: number, x1: number, n: number): Polygon => {
				const south = Array.from({ length: n - 4 }, (_, i) => [x0 + ((x1 - x0) * i) / (n - 4), Y0]);
				return { type: 'Polygon', coordinates: [[...south, [x1, Y0], [x1, Y1], [x0, Y1], [x0, Y0]]] };
			};
			const oneTooMany = [{ code: G(1), geometry: dense(X0, A, PLAN_VERTEX_LIMITS.perRing + 1) }, ...strips().slice(1)];
			const perRing = { status: 400, code: 'bad_input', errors: [expect.objectContaining({ field: 'grids[0].geometry', code: 'too_many_vertices' })] };
			await expect(savePlan(db, C, { grids: oneTooMany, baseRevision: null }, { author: 'p', today: TODAY })).rejects.toMatchObject(perRing);
			const err = await savePlan(db, C, { grids: oneTooMany, baseRevision: null }, { author: 'p', today: TODAY }).catch((e) => e);
			expect(err.errors[0].zh).toContain('10,000');
			expect(err.errors[0].en).toMatch(/limit of 10,000 per ring/);
			await expect(proposePlan(db, C, { mode: 'rebalance', grids: oneTooMany })).rejects.toMatchObject(perRing);
			const file = { type: 'FeatureCollection', features: oneTooMany.map((g) => ({ type: 'Feature', properties: { code: g.code }, geometry: g.geometry })) };
			await expect(importPlanFile(db, C, { name: 'dense.geojson', text: JSON.stringify(file) }, {}, { author: 'p', today: TODAY })).rejects.toMatchObject(
				perRing
			);

			// Each grid within its own limit, the request over its total: 413.
			const per = PLAN_VERTEX_LIMITS.perRing - 1;
			const count = Math.floor(PLAN_VERTICES_PER_REQUEST / per) + 1;
			const many = Array.from({ length: count }, (_, i) => ({
				code: G(i + 1),
				geometry: dense(X0 + (i * (X1 - X0)) / count, X0 + ((i + 1) * (X1 - X0)) / count, per)
			}));
			const total = { status: 413, code: 'plan_too_large', errors: [expect.objectContaining({ field: 'grids', code: 'too_many_vertices' })] };
			await expect(savePlan(db, C, { grids: many, baseRevision: null }, { author: 'p', today: TODAY })).rejects.toMatchObject(total);
			await expect(proposePlan(db, C, { mode: 'rebalance', grids: many })).rejects.toMatchObject(total);
			const bigFile = { type: 'FeatureCollection', features: many.map((g) => ({ type: 'Feature', properties: { code: g.code }, geometry: g.geometry })) };
			await expect(importPlanFile(db, C, { name: 'big.geojson', text: JSON.stringify(bigFile) }, {}, { author: 'p', today: TODAY })).rejects.toMatchObject({
				status: 413,
				code: 'plan_too_large'
			});
			expect((await listRevisions(db, C)).length).toBe(before);
		});
	});
}
