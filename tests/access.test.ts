// Demand-weighted access (GET /api/access, src/lib/server/coverage/access.ts) on the embedded engine
// (and the server engine with TEST_DATABASE_URL): on the demo city with kindergartens imported with
// their seats — typed refusals, the community figure against the capacity rules' own two-step
// allocation, per H3 cell and per building consistent with it, slow walkers, the cache, and the
// jurisdiction of every demo account (each item inside it, nothing inside it left out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import type { Db } from '../src/lib/server/db';
import { loadDemo } from '../src/lib/server/imports/demo';
import { getCoverage } from '../src/lib/server/coverage';
import { accessAnswer } from '../src/lib/server/coverage/access';
import { createRule } from '../src/lib/server/coverage/rules';
import { ensureDemoAccounts } from '../src/lib/server/auth/demo-accounts';
import { listUsers } from '../src/lib/server/auth/users';
import { readScope } from '../src/lib/server/auth/scope';
import { GridAtlasError } from '$geo/errors';
import { ACCESS_H3_RESOLUTION, SLOW_SHARE } from '$geo/capacity';
import { testEngines } from './helpers/engines';
import { importKindergartens, testCapacityRule } from './helpers/capacity-rule';

const straightRule = { ...testCapacityRule, id: 'test_access_places' };

const refusal = async (p: Promise<unknown>) => {
	try {
		await p;
	} catch (err) {
		expect(err).toBeInstanceOf(GridAtlasError);
		return { code: (err as GridAtlasError).code, status: (err as GridAtlasError).status };
	}
	throw new Error('not refused');
};

for (const engine of testEngines()) {
	describe(`demand-weighted access on ${engine.name}`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
			await loadDemo(db);
			const made = await importKindergartens(
				db,
				[0, 150, 300, 450, 599].map((at, i) => ({ id: `kg-${i}`, at, seats: i === 4 ? null : [120, 30, 60, 90][i] }))
			);
			expect(made.written).toBe(5);
			await createRule(db, { ...straightRule, enabled: true });
			await ensureDemoAccounts(db);
		}, 300_000);
		afterAll(() => engine.cleanup());

		it('refuses bad parameters with typed errors', async () => {
			expect(await refusal(accessAnswer(db, { rule: 'no_such_rule' }, null))).toEqual({ code: 'unknown_rule', status: 404 });
			expect(await refusal(accessAnswer(db, { rule: '' }, null))).toEqual({ code: 'unknown_rule', status: 404 });
			expect(await refusal(accessAnswer(db, { rule: 'kindergarten_300' }, null))).toEqual({ code: 'not_capacity_rule', status: 400 });
			expect(await refusal(accessAnswer(db, { rule: straightRule.id, decay: 'cubic' }, null))).toEqual({ code: 'bad_decay', status: 400 });
			expect(await refusal(accessAnswer(db, { rule: straightRule.id, profile: 'fast' }, null))).toEqual({ code: 'bad_profile', status: 400 });
			expect(await refusal(accessAnswer(db, { rule: straightRule.id, level: 'block' }, null))).toEqual({ code: 'bad_level', status: 400 });
			expect(await refusal(accessAnswer(db, { rule: straightRule.id, level: 'building' }, null))).toEqual({ code: 'bad_community', status: 400 });
		});

		it("per community without decay: the capacity rule's own allocation (supply ÷ demand), and the score against 20 per 1,000", async () => {
			const a = await accessAnswer(db, { rule: straightRule.id, decay: 'none' }, null);
			expect([a.walked, a.reachM, a.profile, a.noFacilities, a.noCapacity]).toEqual([false, 500, 'all', false, false]);
			const cells = (await getCoverage(db)).report.cells.filter((c) => c.rule === straightRule.id);
			let served = 0;
			for (const item of a.items) {
				const cell = cells.find((c) => c.community === item.id)!;
				if (cell.capacity!.demand === null || item.access === null) continue;
				const expected = (cell.capacity!.supply / cell.capacity!.demand) * 1000;
				expect(item.access).toBeCloseTo(expected, 3);
				expect(item.score).toBeCloseTo(item.access / 20, 3);
				if (item.access > 0) served++;
			}
			expect(served).toBeGreaterThan(0);
			expect(a.max).toBe(Math.max(...a.items.map((i) => i.access ?? 0)));
		});

		it('per H3 cell and per building: the same figures, weighted by demand, add up to the community', async () => {
			const byCommunity = await accessAnswer(db, { rule: straightRule.id, decay: 'gaussian' }, null);
			const hex = await accessAnswer(db, { rule: straightRule.id, decay: 'gaussian', level: 'h3' }, null);
			expect(hex.resolution).toBe(ACCESS_H3_RESOLUTION);
			const weighted = (items: { access: number | null; demand: number }[]) => {
				const d = items.reduce((s, i) => s + (i.access === null ? 0 : i.demand), 0);
				return [d, items.reduce((s, i) => s + (i.access ?? 0) * i.demand, 0)];
			};
			const [dc, sc] = weighted(byCommunity.items);
			const [dh, sh] = weighted(hex.items);
			expect(dh).toBeGreaterThanOrEqual(dc - 1e-3); // buildings outside every community are in cells too
			const served = byCommunity.items.find((i) => (i.access ?? 0) > 0)!;
			const buildings = await accessAnswer(db, { rule: straightRule.id, decay: 'gaussian', level: 'building', community: served.id }, null);
			expect(buildings.items.length).toBe(served.buildings);
			const [db_, sb] = weighted(buildings.items);
			expect(db_).toBeCloseTo(served.demand, 2);
			expect(sb / db_).toBeCloseTo(served.access!, 2);
			expect(sh).toBeGreaterThanOrEqual(sc - 1);
			for (const h of hex.items) expect(h.id).toMatch(/^89[0-9a-f]{13}$/);
		});

		it('slow walkers: 50 m/min, the reach shrinks, demand is their share', async () => {
			const all = await accessAnswer(db, { rule: straightRule.id, decay: 'linear' }, null);
			const slow = await accessAnswer(db, { rule: straightRule.id, decay: 'linear', profile: 'slow' }, null);
			expect(slow.speedMPerMin).toBe(50);
			expect(slow.reachM).toBe(Math.round((500 * 50) / 65));
			expect(slow.slowShare).toBe(SLOW_SHARE);
			const total = (a: typeof all) => a.items.reduce((s, i) => s + i.demand, 0);
			expect(total(slow)).toBeCloseTo(total(all) * SLOW_SHARE, 0);
		});

		it('kept per data versions: the same answer until a facility changes', async () => {
			const a = await accessAnswer(db, { rule: straightRule.id, decay: 'exponential' }, null);
			const b = await accessAnswer(db, { rule: straightRule.id, decay: 'exponential' }, null);
			expect(b.computedAt).toBe(a.computedAt);
			await db.query(`UPDATE facilities SET attributes = jsonb_set(attributes, '{seats}', '500') WHERE source_id = 'kg-0'`);
			const c = await accessAnswer(db, { rule: straightRule.id, decay: 'exponential' }, null);
			expect(c.computedAt).not.toBe(a.computedAt);
			expect(c.max).toBeGreaterThan(a.max);
		});

		it('a walking rule is measured on the walking network (the demo has its roads)', async () => {
			const a = await accessAnswer(db, { rule: 'capacity_kindergarten_places', level: 'h3' }, null);
			expect([a.walked, a.reachM, a.decay.kind]).toEqual([true, 300, 'none']);
			expect(a.items.filter((i) => (i.access ?? 0) > 0).length).toBeGreaterThan(0);
			// On foot never reaches more than in a straight line: fewer cells with access than the straight-line 300 m.
			const straight = await accessAnswer(db, { rule: straightRule.id, level: 'h3' }, null);
			expect(a.items.filter((i) => (i.access ?? 0) > 0).length).toBeLessThanOrEqual(straight.items.filter((i) => (i.access ?? 0) > 0).length);
		});

		it('a category without facilities says so', async () => {
			const a = await accessAnswer(db, { rule: 'capacity_service_space_m2' }, null);
			expect(a.noFacilities).toBe(true);
			expect(a.items.every((i) => i.access === 0 || i.access === null)).toBe(true);
		});

		it('every demo account sees the buildings, cells and communities inside its jurisdiction, and all of them', async () => {
			const rows = await db.query<{ source_id: string; community_code: string | null; grid_code: string | null; lon: number; lat: number }>(
				`SELECT source_id, community_code, grid_code, ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT *, ST_PointOnSurface(geom) AS p FROM buildings) b`
			);
			const users = await listUsers(db);
			expect(users.map((u) => u.role).sort()).toEqual(['admin', 'leader', 'planner', 'viewer', 'worker']);
			const counts: Record<string, number> = {};
			for (const user of users) {
				const scope = readScope({ units: user.units } as never);
				const inside = (r: (typeof rows)[number]) =>
					!scope || scope.some((u) => (r.community_code ?? '').startsWith(u) || (u.length === 15 && r.grid_code === u));
				const mine = rows.filter(inside);
				counts[user.role] = mine.length;
				// Communities: only those inside.
				const communities = await accessAnswer(db, { rule: straightRule.id }, scope);
				for (const c of communities.items) expect(!scope || scope.some((u) => c.id.startsWith(u)), `${user.role} ${c.id}`).toBe(true);
				// Cells: exactly the reader's buildings, cell by cell.
				const hex = await accessAnswer(db, { rule: straightRule.id, level: 'h3' }, scope);
				const expected = new Map<string, number>();
				for (const r of mine) {
					const h = latLngToCell(r.lat, r.lon, ACCESS_H3_RESOLUTION);
					expected.set(h, (expected.get(h) ?? 0) + 1);
				}
				expect(new Map(hex.items.map((h) => [h.id, h.buildings])), user.role).toEqual(expected);
				// Buildings of a community: only the reader's own, even where the community lies above its jurisdiction.
				const community = mine.find((r) => r.community_code)?.community_code;
				if (!community) continue;
				const listed = await accessAnswer(db, { rule: straightRule.id, level: 'building', community }, scope);
				const own = new Set(mine.filter((r) => r.community_code === community).map((r) => r.source_id));
				expect(new Set(listed.items.map((i) => i.id)), user.role).toEqual(own);
			}
			expect(counts.worker).toBeLessThan(counts.planner);
			expect(counts.planner).toBeLessThan(counts.admin);
			expect(counts.admin).toBe(rows.length);
		});
	});
}
