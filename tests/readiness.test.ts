// Issue 23, part 3, on both engines: the readiness checklist of an empty database (every gap with
// its consequence, the wizard at step 1) and of the demo city; and a rule whose category has no
// facility in the data reads "no such facility" — never fail — in coverage cells, subdistrict
// totals, life circles and the wall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { readiness } from '../src/lib/server/readiness';
import { loadDemo } from '../src/lib/server/imports/demo';
import { getCoverage } from '../src/lib/server/coverage';
import { lifeCircles } from '../src/lib/server/coverage/life-circle';
import { wallBase } from '../src/lib/server/wall';
import { testEngines } from './helpers/engines';

for (const engine of testEngines()) {
	describe(`data readiness on ${engine.name}`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
		}, 120_000);
		afterAll(() => engine.cleanup());

		it('on an empty database: every import to do, each gap with its consequence and the import that fills it', async () => {
			const r = await readiness(db);
			expect(r.ready).toBe(false);
			expect(r.steps.map((s) => [s.layer, s.done])).toEqual([
				['subdistricts', false],
				['communities', false],
				['grids', false],
				['buildings', false],
				['roads', false],
				['facilities', false]
			]);
			const item = (id: string) => r.items.find((i) => i.id === id)!;
			expect(item('roads')).toMatchObject({ state: 'missing', consequence: { key: 'readiness.gap.roads' }, action: { href: '/import?layer=roads' } });
			expect(item('communities')).toMatchObject({ state: 'missing', consequence: { key: 'readiness.gap.communities' } });
			expect(item('buildings').state).toBe('missing');
			expect(item('household-plausibility')).toMatchObject({ state: 'ok', have: { key: 'readiness.have.noDoubtful' } });
			// seeded by migrations: present on any database
			expect(item('tag-mapping').state).toBe('ok');
			expect(item('rules').state).toBe('ok');
			const bank = item('facilities:bank');
			expect(bank).toMatchObject({ state: 'missing', consequence: { key: 'readiness.gap.category' }, action: { href: '/import?layer=facilities' } });
			expect(bank.consequence!.params.zh).toBe('15分钟便民生活圈：银行');
		});

		describe('on the demo city', () => {
			let missing: string[];
			beforeAll(async () => {
				await loadDemo(db);
				missing = (await getCoverage(db)).report.missingCategories;
			}, 300_000);

			it('has every import done, and names each category of an enabled rule that has no facility', async () => {
				const r = await readiness(db);
				expect(r.steps.every((s) => s.done)).toBe(true);
				expect(missing.length).toBeGreaterThan(0);
				const absent = r.items.filter((i) => i.id.startsWith('facilities:') && i.state === 'missing').map((i) => i.id.slice('facilities:'.length));
				expect(absent.sort()).toEqual([...missing].sort());
				for (const id of ['subdistricts', 'communities', 'grids', 'buildings', 'roads', 'rules'])
					expect(r.items.find((i) => i.id === id)!.state, id).not.toBe('missing');
				// the demo's library is estimated at thousands of households: named as doubtful, with the way to fix it
				const doubtful = r.items.find((i) => i.id === 'household-plausibility')!;
				expect(doubtful).toMatchObject({ state: 'partial', consequence: { key: 'readiness.gap.doubtful' }, action: { href: '/import?layer=buildings' } });
				expect(String(doubtful.have.params.examples)).toMatch(/图书馆/);
			});

			it('coverage: such a rule is "no_facilities" in every community with data — never fail — and out of the totals', async () => {
				const { report, results } = await getCoverage(db);
				const rules = report.rules.filter((x) => x.category && missing.includes(x.category)).map((x) => x.id);
				expect(rules.length).toBeGreaterThan(0);
				const cells = report.cells.filter((c) => rules.includes(c.rule));
				expect(cells.filter((c) => c.status === 'no_facilities').length).toBeGreaterThan(10);
				for (const c of cells) {
					expect(['no_facilities', 'no_data']).toContain(c.status);
					expect([c.share, c.householdsShort, c.uncovered]).toEqual([null, 0, 0]);
				}
				// distance rules (capacity rules are judged apart, in state.capacity): no uncovered building listed
				for (const rule of rules)
					for (let unit = 0; unit < results.unitCount; unit++) {
						const brief = results.brief(rule, unit);
						if (brief && brief.status !== 'no_data') expect(results.get(rule, unit)!.uncovered).toEqual([]);
					}
				for (const s of report.subdistricts.filter((x) => rules.includes(x.rule))) expect([s.passing, s.share, s.noData]).toEqual([0, null, s.communities]);
				// other rules are judged as before
				expect(report.cells.some((c) => c.status === 'pass')).toBe(true);
				expect(report.cells.some((c) => c.status === 'fail')).toBe(true);
			});

			it('life circles: such a category has no share, is not "missing", and leaves the complete circle to the others', async () => {
				const report = await lifeCircles(db);
				const absent = report.absentCategories.map((c) => c.code);
				expect(absent.length).toBeGreaterThan(0);
				expect(missing).toEqual(expect.arrayContaining(absent));
				const l15 = report.levels.find((l) => l.level === '15min')!;
				expect(l15.absent.length).toBeGreaterThan(0);
				const withHomes = report.communities.filter((c) => c.households > 0);
				for (const c of withHomes) {
					const level = c.levels.find((l) => l.level === '15min')!;
					for (const cat of level.categories.filter((x) => l15.absent.includes(x.category))) expect(cat.share).toBeNull();
					for (const a of l15.absent) expect(level.missing).not.toContain(a);
				}
				// "0 % everywhere" was the missing categories: with them left out some community has a complete circle
				expect(withHomes.some((c) => (c.levels.find((l) => l.level === '15min')!.completeShare ?? 0) > 0)).toBe(true);
			});

			it('the wall: rules without facilities are left out of compliance and named', async () => {
				const base = (await wallBase(db, null))!;
				expect(base.missingFacilities.map((c) => c.code).sort()).toEqual([...missing].sort());
				const { report } = await getCoverage(db);
				const judgedRules = report.rules.filter((x) => !(x.category && missing.includes(x.category))).length;
				for (const c of base.compliance) expect(c.rules).toBe(judgedRules);
			});
		});
	});
}
