import { describe, expect, it } from 'vitest';
import { MAX_BATCH, parseCaseBatch, planIngest, transition, type StoredCase } from './index';

const categories = new Map([
	['dispute', 'dispute'],
	['矛盾纠纷', 'dispute'],
	['environment', 'environment'],
	['城市环境', 'environment'],
	['other', 'other']
]);
const ok = { id: 'C1', category: 'dispute', lon: 118.78, lat: 32.04, reported_at: '2026-05-01T10:00:00+08:00' };
const parse = (body: unknown, crs?: 'gcj02') => parseCaseBatch(body, { categories, crs });

describe('parseCaseBatch: per-item validation', () => {
	it('accepts one case, an array and a FeatureCollection', () => {
		expect(parse(ok).items).toHaveLength(1);
		expect(parse([ok, { ...ok, id: 'C2' }]).items.map((i) => i.id)).toEqual(['C1', 'C2']);
		const fc = {
			type: 'FeatureCollection',
			features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [118.78, 32.04] }, properties: { id: 'F1', category: '矛盾纠纷' } }]
		};
		const [f] = parse(fc).items;
		expect(f).toMatchObject({ id: 'F1', category: 'dispute', lon: 118.78, lat: 32.04 });
	});
	it.each([
		[{ ...ok, lon: undefined, lat: undefined, location: [null, 32] }, 'location', 'missing_coordinates'],
		[{ ...ok, lon: 'abc' }, 'location', 'missing_coordinates'],
		[{ ...ok, lon: 218.7 }, 'location', 'coordinates_out_of_range'],
		[{ ...ok, lat: -91 }, 'location', 'coordinates_out_of_range'],
		[{ ...ok, category: 'alien_landing' }, 'category', 'unknown_category'],
		[{ ...ok, reported_at: '2026-13-45 99:00' }, 'reported_at', 'malformed_time'],
		[{ ...ok, reported_at: 'yesterday' }, 'reported_at', 'malformed_time'],
		[{ ...ok, status: 'lost' }, 'status', 'unknown_status'],
		[{ ...ok, status: 'escalated' }, 'escalation_level', 'missing_level'],
		[{ ...ok, status: 'registered', escalation_level: 'grid' }, 'escalation_level', 'level_without_escalation'],
		[{ ...ok, id: undefined }, 'id', 'missing_id'],
		[{ ...ok, description: 42 }, 'description', 'bad_text']
	])('%j → %s (%s)', (item, field, code) => {
		const r = parse([ok, item]);
		expect(r.items.map((i) => i.index)).toEqual([0]);
		expect(r.errors).toHaveLength(1);
		expect(r.errors[0]).toMatchObject({ index: 1, field, code });
		expect(r.errors[0].zh).toMatch(/第 2 条/);
		expect(r.errors[0].en).toMatch(/item 2/);
	});
	it('names swapped coordinates', () => {
		expect(parse({ ...ok, lon: 32.04, lat: 118.78 }).errors[0].en).toMatch(/swapped/);
	});
	it('refuses each item over the batch limit, keeps the rest', () => {
		const batch = Array.from({ length: MAX_BATCH + 3 }, (_, i) => ({ ...ok, id: `B${i}` }));
		const r = parse(batch);
		expect(r.items).toHaveLength(MAX_BATCH);
		expect(r.errors.map((e) => [e.index, e.id, e.field])).toEqual([0, 1, 2].map((k) => [MAX_BATCH + k, `B${MAX_BATCH + k}`, 'batch']));
	});
	it('converts declared GCJ-02 / BD-09 coordinates to WGS-84', () => {
		const [g] = parse(ok, 'gcj02').items;
		expect(g.lon!).toBeLessThan(ok.lon);
		const [b] = parse({ crs: 'bd09', cases: [ok] }).items;
		expect(b.lon!).toBeLessThan(g.lon!);
		expect(() => parse({ crs: 'mars', cases: [ok] })).toThrow(/unknown crs/);
	});
	it('keeps the description as plain text', () => {
		expect(parse({ ...ok, description: '<img src=x onerror=alert(1)>' }).items[0].description).toBe('<img src=x onerror=alert(1)>');
	});
});

describe('the workflow', () => {
	it.each([
		['reported', null, 'registered', null, 'forward'],
		['registered', null, 'closed', null, 'forward'],
		['dispatched', null, 'registered', null, 'backward'],
		['closed', null, 'handled', null, 'backward'],
		['handled', null, 'escalated', 'community', 'forward'],
		['closed', null, 'escalated', 'grid', 'backward'],
		['escalated', 'grid', 'escalated', 'subdistrict', 'forward'],
		['escalated', 'community', 'escalated', 'grid', 'backward'],
		['escalated', 'community', 'dispatched', null, 'forward'],
		['escalated', 'community', 'registered', null, 'backward'],
		['dispatched', null, 'dispatched', null, 'same']
	] as const)('%s(%s) → %s(%s): %s', (a, al, b, bl, expected) => {
		expect(transition(a, al, b, bl)).toBe(expected);
	});
});

describe('planIngest', () => {
	const stored: StoredCase = {
		id: 'C1',
		category: 'dispute',
		status: 'registered',
		escalationLevel: null,
		source: null,
		description: null,
		reportedAt: '2026-05-01T02:00:00.000Z',
		dueAt: null,
		lon: 118.78,
		lat: 32.04
	};
	const plan = (body: unknown) => planIngest(parse(body).items, new Map([['C1', stored]]), { now: new Date('2026-05-02T00:00:00Z') });
	it('an identical re-send is a no-op', () => {
		const p = plan({ ...ok, status: 'registered' });
		expect(p.counts).toMatchObject({ unchanged: 1, inserted: 0, updated: 0 });
		expect(p.writes).toHaveLength(0);
		expect(p.events).toHaveLength(0);
	});
	it('a later status is an update with its event', () => {
		const p = plan({ id: 'C1', status: 'dispatched' });
		expect(p.counts.updated).toBe(1);
		expect(p.events).toEqual([{ id: 'C1', kind: 'status', status: 'dispatched', escalationLevel: null, at: '2026-05-02T00:00:00.000Z' }]);
	});
	it('a status moving backwards is refused', () => {
		const p = plan({ id: 'C1', status: 'reported' });
		expect(p.counts.rejected).toBe(1);
		expect(p.errors[0]).toMatchObject({ field: 'status', code: 'status_backwards' });
	});
	it('a new case needs coordinates and a category', () => {
		const p = plan({ id: 'N1', status: 'reported' });
		expect(p.errors.map((e) => e.field).sort()).toEqual(['category', 'location']);
		expect(p.counts.rejected).toBe(1);
	});
	it('several steps of one case in one batch', () => {
		const p = plan([
			{ ...ok, id: 'N2' },
			{ id: 'N2', status: 'registered' },
			{ ...ok, id: 'N2' },
			{ id: 'N2', status: 'escalated', escalation_level: 'grid' }
		]);
		expect(p.counts).toMatchObject({ inserted: 1, updated: 2, unchanged: 1 });
		expect(p.writes).toHaveLength(1);
		expect(p.writes[0]).toMatchObject({ isNew: true, status: 'escalated', escalationLevel: 'grid' });
		expect(p.events.map((e) => e.status)).toEqual(['reported', 'registered', 'escalated']);
	});
	it('a new case gets its category’s due time', () => {
		const p = planIngest(parse({ ...ok, id: 'D1' }).items, new Map(), { dueHours: new Map([['dispute', 72]]) });
		expect(Date.parse(p.writes[0].dueAt!) - Date.parse(p.writes[0].reportedAt)).toBe(72 * 3600_000);
	});
});

describe('the simulator', async () => {
	const { CaseSimulator, rhythm, casesForTick, rng } = await import('./simulator');
	const anchors = [
		{ lon: 118.78, lat: 32.04, weight: 300 },
		{ lon: 118.79, lat: 32.05, weight: 10 },
		{ lon: 118.8, lat: 32.03, weight: 1 }
	];
	it('produces valid cases near the anchors, deterministic per seed', () => {
		const a = new CaseSimulator({ anchors, seed: 7, runId: 'R' });
		const b = new CaseSimulator({ anchors, seed: 7, runId: 'R' });
		const t = new Date('2026-05-01T02:00:00Z');
		const ca = Array.from({ length: 200 }, () => a.newCase(t));
		expect(ca).toEqual(Array.from({ length: 200 }, () => b.newCase(t)));
		const parsed = parseCaseBatch(ca, {
			categories: new Map(['environment', 'livelihood', 'facility_damage', 'dispute', 'safety_hazard', 'public_health', 'other'].map((c) => [c, c]))
		});
		expect(parsed.errors).toEqual([]);
		for (const c of ca) expect(Math.abs(c.lon - 118.79)).toBeLessThan(0.03);
		expect(new Set(ca.map((c) => c.category)).size).toBeGreaterThan(4);
	});
	it('has quiet nights and busy mornings', () => {
		expect(rhythm(new Date('2026-05-01T19:00:00Z'))).toBeLessThan(0.2); // 03:00 Beijing
		expect(rhythm(new Date('2026-05-01T02:00:00Z'))).toBeGreaterThan(1.3); // 10:00 Beijing
		const r = rng(1);
		let n = 0;
		for (let i = 0; i < 1000; i++) n += casesForTick(10, 1, new Date('2026-05-01T02:00:00Z'), r, false);
		expect(n).toBe(10_000);
	});
	it('moves cases forward through the workflow over time, never backwards', () => {
		const sim = new CaseSimulator({ anchors, seed: 3, speedup: 600 });
		const t0 = Date.parse('2026-05-01T02:00:00Z');
		for (let i = 0; i < 100; i++) sim.newCase(new Date(t0));
		const last = new Map<string, string>();
		const order = ['reported', 'registered', 'dispatched', 'escalated', 'handled', 'closed'];
		let steps = 0;
		for (let s = 1; s <= 120; s++) {
			for (const u of sim.progress(new Date(t0 + s * 1000))) {
				const prev = last.get(u.id) ?? 'reported';
				expect(transition(prev as never, null, u.status, u.escalation_level ?? null)).toBe('forward');
				last.set(u.id, u.status);
				steps++;
				expect(order).toContain(u.status);
			}
		}
		expect(steps).toBeGreaterThan(200);
		expect([...last.values()].filter((s) => s === 'closed').length).toBeGreaterThan(10);
	});
});
