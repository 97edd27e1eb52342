// Case analytics on both engines over a hand-made city of two grids: binary columns, hexagon
// counts with k-suppression, per-grid rates, a planted spike, KPIs, bad windows refused, and every
// case read limited to the reader's jurisdiction even when it asks for a unit above it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { dayStartMs, kpis, localDay } from '$geo/density';
import { mulberry32 } from '$geo/synth';
import { caseColumns, caseKpis, gridDensity, hexDensity, parseWindow, CaseQueryError } from '../src/lib/server/cases/analysis';
import { decodeCases, BYTES_PER_CASE, HEADER_BYTES } from '$geo/density';
import { wallLive } from '../src/lib/server/wall';
import { layerGeoJSON } from '../src/lib/server/map/geojson';
import { getCase, listCases } from '../src/lib/server/cases';
import { lastEventId } from '../src/lib/server/cases/events';
import { testEngines } from './helpers/engines';

const SD = '320102900';
const COMM = `${SD}001`;
const G1 = `${COMM}001`;
const G2 = `${COMM}002`;
const square = (x0: number, y0: number, d: number) =>
	JSON.stringify({
		type: 'MultiPolygon',
		coordinates: [
			[
				[
					[x0, y0],
					[x0 + d, y0],
					[x0 + d, y0 + d],
					[x0, y0 + d],
					[x0, y0]
				]
			]
		]
	});
const NOW = new Date('2026-11-25T06:00:00Z'); // 14:00 in Nanjing

for (const engine of testEngines()) {
	describe(`case analytics (${engine.name})`, () => {
		let db: Db;
		let n = 0;
		const add = async (
			grid: string | null,
			at: Date,
			opts: { category?: string; status?: string; due?: Date; closed?: Date; lon?: number; lat?: number } = {}
		) => {
			const lon = opts.lon ?? (grid === G2 ? 118.7915 : 118.7815);
			const lat = opts.lat ?? 32.045;
			const [row] = await db.query<{ id: number }>(
				`INSERT INTO cases (source_id, category, status, reported_at, geom, community_code, grid_code, subdistrict_code, due_at, outside_jurisdiction)
				 VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326), $7, $8, $9, $10, $11) RETURNING id`,
				[
					`t-${++n}`,
					opts.category ?? 'environment',
					opts.status ?? 'reported',
					at,
					lon,
					lat,
					grid ? COMM : null,
					grid,
					grid ? SD : null,
					opts.due ?? null,
					grid === null
				]
			);
			if (opts.closed) await db.query(`INSERT INTO case_events (case_id, kind, status, at) VALUES ($1, 'status', 'closed', $2)`, [row.id, opts.closed]);
		};
		const hours = (h: number) => new Date(NOW.getTime() + h * 3600_000);
		/** The oracle: the KPIs of every case of the year read one by one, each closure from its events. */
		const kpisFromEveryCase = async (unit: string | null, grids: boolean) => {
			const rows = await db.query<{ reported: number; status: string; due: number | null; closed: number | null; category: string; grid_code: string | null }>(
				`SELECT (extract(epoch FROM c.reported_at) * 1000)::float8 AS reported, c.status, (extract(epoch FROM c.due_at) * 1000)::float8 AS due,
					(SELECT (extract(epoch FROM max(e.at)) * 1000)::float8 FROM case_events e WHERE e.case_id = c.id AND e.status = 'closed') AS closed,
					c.category, c.grid_code
				 FROM cases c WHERE c.reported_at >= $1 AND c.status <> 'voided' AND ($2::text IS NULL OR c.grid_code LIKE $2 || '%')`,
				[new Date(NOW.getTime() - 370 * 86400_000), unit]
			);
			return kpis(
				rows.map((x) => ({
					reportedAt: x.reported,
					status: x.status,
					dueAt: x.due,
					closedAt: x.closed,
					category: x.category,
					grid: grids ? x.grid_code : null
				})),
				NOW
			);
		};

		beforeAll(async () => {
			db = await engine.open();
			await db.query(`INSERT INTO subdistricts (code, name, geom) VALUES ($1, '测试街道', ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))`, [
				SD,
				square(118.78, 32.04, 0.02)
			]);
			await db.query(`INSERT INTO communities (code, subdistrict_code, name, geom) VALUES ($1, $2, '测试社区', ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))`, [
				COMM,
				SD,
				square(118.78, 32.04, 0.02)
			]);
			await db.query(
				`INSERT INTO grids (code, community_code, seq, name, geom) VALUES ($1, $3, 1, '一格', ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)), ($2, $3, 2, '二格', ST_SetSRID(ST_GeomFromGeoJSON($5), 4326))`,
				[G1, G2, COMM, square(118.78, 32.04, 0.01), square(118.79, 32.04, 0.01)]
			);
			await db.query(
				`INSERT INTO buildings (source_id, geom, footprint_m2, households, community_code, grid_code) VALUES
				 ('b1', ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), 100, 400, $3, $4), ('b2', ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), 100, 250, $3, $5)`,
				[square(118.781, 32.041, 0.0005), square(118.791, 32.041, 0.0005), COMM, G1, G2]
			);
			// Grid 1: one case a day for 28 days (baseline), then 9 today (a spike). Grid 2: 2 today.
			for (let d = 1; d <= 28; d++) await add(G1, hours(-24 * d - 2));
			for (let i = 0; i < 9; i++) await add(G1, hours(-1 - i * 0.5), { category: i < 3 ? 'dispute' : 'environment' });
			await add(G2, hours(-3));
			await add(G2, hours(-2), { status: 'closed', due: hours(-1), closed: hours(-1.5) });
			await add(null, hours(-4), { lon: 118.9, lat: 32.2 });
			// Due cases: one closed late, one open and overdue.
			await add(G1, hours(-100), { status: 'closed', due: hours(-90), closed: hours(-80) });
			await add(G1, hours(-100), { status: 'dispatched', due: hours(-50) });
		}, 120_000);
		afterAll(() => engine.cleanup());

		it('sends the window as 16-byte binary columns that decode to the same cases', async () => {
			const w = parseWindow(new URLSearchParams(`from=${hours(-12).toISOString()}&to=${NOW.toISOString()}`), NOW);
			const cols = await caseColumns(db, w);
			const decoded = decodeCases(cols.buffer);
			expect(decoded.length).toBe(12);
			expect(cols.buffer.byteLength).toBe(HEADER_BYTES + 12 * BYTES_PER_CASE);
			expect(Math.abs(decoded.lonLat[0] - 118.7815)).toBeLessThan(1e-5);
			const g2 = cols.grids.indexOf(G2);
			expect([...decoded.grid].filter((g) => g === g2).length).toBe(2);
			const onlyDisputes = await caseColumns(db, { ...w, categories: ['dispute'] });
			expect(decodeCases(onlyDisputes.buffer).length).toBe(3);
		});

		it('counts hexagons and suppresses cells with fewer than k cases', async () => {
			const w = parseWindow(new URLSearchParams(`from=${hours(-12).toISOString()}&to=${NOW.toISOString()}`), NOW);
			const hex = await hexDensity(db, w, 7, 3);
			expect(hex.cells.reduce((a, c) => a + c.count, 0) + hex.suppressedCases).toBe(12);
			expect(hex.cells.every((c) => c.count >= 3)).toBe(true);
			expect(hex.suppressedCases).toBeGreaterThan(0); // the case outside jurisdiction sits alone
			await expect(hexDensity(db, w, 99)).rejects.toBeInstanceOf(CaseQueryError);
		});

		it('gives per-grid rates per 1,000 households, suppresses small counts, and finds the planted spike', async () => {
			const w = parseWindow(new URLSearchParams(`from=${hours(-12).toISOString()}&to=${NOW.toISOString()}`), NOW);
			const g = await gridDensity(db, w, NOW, 3);
			const one = g.grids.find((x) => x.code === G1)!;
			expect(one.count).toBe(9);
			expect(one.rate).toBeCloseTo((9 / 400) * 1000, 6);
			const two = g.grids.find((x) => x.code === G2)!;
			expect(two.count).toBeNull();
			expect(two.suppressed).toBe(true);
			expect(g.outsideGrids).toBe(1);
			expect(g.spikes.map((s) => s.grid)).toEqual([G1]);
			expect(g.spikes[0].observed).toBe(9);
			expect(g.spikes[0].name).toBe('测试社区 一格');
			expect(g.spikeHistory).toMatchObject({ days: 28, sufficient: true });
		});

		it('flags no spike while the history is shorter than required ("历史不足")', async () => {
			// Seen from 20 days ago, the cases go back 8 days only.
			const then = hours(-24 * 20);
			const w = parseWindow(new URLSearchParams(`from=${new Date(then.getTime() - 12 * 3600_000).toISOString()}&to=${then.toISOString()}`), then);
			const g = await gridDensity(db, w, then, 3);
			expect(g.spikeHistory).toEqual({ days: 8, required: 14, sufficient: false });
			expect(g.spikes).toEqual([]);
		});

		it('computes the KPIs: today, in progress, overdue, closure and on-time rates', async () => {
			const k = await caseKpis(db, NOW, null, null);
			expect(k.today).toBe(12);
			expect(k.overdue).toBe(1);
			expect(k.due).toBe(3);
			expect(k.closedOfDue).toBe(2);
			expect(k.onTime).toBe(1);
			expect(k.closureRate).toBeCloseTo(2 / 3, 9);
			expect(k.onTimeRate).toBeCloseTo(1 / 3, 9);
			expect(k.byCategory.dispute.total).toBe(3);
			const mine = await caseKpis(db, NOW, COMM, null);
			expect(mine.total).toBe(k.total - 1); // the case outside every community is not the community's
		});

		it("keeps each case's closure time (migration 023) equal to its latest closed event, whatever writes the events", async () => {
			const drift = async () =>
				(
					await db.query<{ n: number }>(
						`SELECT count(*)::int AS n FROM cases c
						 WHERE c.closed_at IS DISTINCT FROM (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.status = 'closed')`
					)
				)[0].n;
			expect(await drift()).toBe(0);
			await add(G1, hours(-30), { closed: hours(-20) });
			const [{ id }] = await db.query<{ id: number }>(`SELECT id FROM cases WHERE source_id = $1`, [`t-${n}`]);
			const closedAt = async () => (await db.query<{ t: string | null }>('SELECT closed_at::text AS t FROM cases WHERE id = $1', [id]))[0].t;
			expect(await closedAt()).not.toBeNull();
			// a later closure (reopened and closed again), in one statement with another event
			await db.query(`INSERT INTO case_events (case_id, kind, status, at) VALUES ($1, 'status', 'dispatched', $2), ($1, 'status', 'closed', $3)`, [
				id,
				hours(-10),
				hours(-5)
			]);
			expect(await drift()).toBe(0);
			// an event's status or time changed, then the closures deleted: open again
			await db.query(`UPDATE case_events SET at = $2 WHERE case_id = $1 AND status = 'closed' AND at = $3`, [id, hours(-4), hours(-5)]);
			expect(await drift()).toBe(0);
			await db.query(`UPDATE case_events SET status = 'handled' WHERE case_id = $1 AND status = 'closed' AND at = $2`, [id, hours(-4)]);
			expect(await drift()).toBe(0);
			await db.query(`DELETE FROM case_events WHERE case_id = $1 AND status = 'closed'`, [id]);
			expect(await closedAt()).toBeNull();
			expect(await drift()).toBe(0);
			// the KPIs read it: the same as reading each case's events, closed again or not
			expect(await caseKpis(db, NOW, null, null)).toEqual(await kpisFromEveryCase(null, true));
			await db.query(`INSERT INTO case_events (case_id, kind, status, at) VALUES ($1, 'status', 'closed', $2)`, [id, hours(-2)]);
			expect(await caseKpis(db, NOW, null, null)).toEqual(await kpisFromEveryCase(null, true));
			await db.query(`DELETE FROM cases WHERE id = $1`, [id]);
			expect(await drift()).toBe(0);
		});

		it('counts the KPIs from groups of alike cases exactly as from every case, around every boundary of time', async () => {
			// cases at times around now, local midnight, the first day and month of the by-day and by-month
			// figures and the year's start, due and closed before, at and after each other and now
			const r = mulberry32(23);
			const around = [
				0,
				-1,
				1,
				-3600_000,
				3600_000,
				-86400_000,
				-6 * 86400_000,
				-7 * 86400_000,
				-40 * 86400_000,
				-200 * 86400_000,
				-369 * 86400_000,
				86400_000
			];
			const midnight = dayStartMs(localDay(NOW.getTime()));
			const anchors = [NOW.getTime(), midnight, midnight - 6 * 86400_000, Date.UTC(2025, 0, 1) - 8 * 3600_000];
			const at = () => new Date(anchors[Math.floor(r() * anchors.length)] + around[Math.floor(r() * around.length)]);
			const statuses = ['reported', 'dispatched', 'closed', 'escalated', 'handled'];
			const categories = ['environment', 'dispute'];
			const made: number[] = [];
			for (let i = 0; i < 160; i++) {
				const reported = at();
				const due = r() < 0.8 ? at() : undefined;
				const closed = r() < 0.5 ? at() : undefined;
				const status = closed && r() < 0.8 ? 'closed' : statuses[Math.floor(r() * statuses.length)];
				await add(r() < 0.5 ? G1 : G2, reported, { status, due, closed, category: categories[i % 2] });
				made.push(n);
			}
			try {
				expect(await caseKpis(db, NOW, null, null)).toEqual(await kpisFromEveryCase(null, true));
				expect(await caseKpis(db, NOW, null, null, { byGrid: false })).toEqual(await kpisFromEveryCase(null, false));
				expect(await caseKpis(db, NOW, G2, null)).toEqual(await kpisFromEveryCase(G2, true));
				const later = new Date(NOW.getTime() + 86400_000);
				expect((await caseKpis(db, later, null, null)).byDay.at(-1)!.period).not.toBe((await caseKpis(db, NOW, null, null)).byDay.at(-1)!.period);
			} finally {
				await db.query(`DELETE FROM cases WHERE source_id = ANY($1::text[])`, [made.map((k) => `t-${k}`)]);
			}
		});

		it('refuses bad windows and unknown categories with a clear message', async () => {
			expect(() => parseWindow(new URLSearchParams('from=yesterday'))).toThrow(/not a valid ISO 8601/);
			expect(() => parseWindow(new URLSearchParams(`from=${NOW.toISOString()}&to=${hours(-1).toISOString()}`))).toThrow(/before/);
			expect(() => parseWindow(new URLSearchParams(`from=2020-01-01&to=2026-01-01`))).toThrow(/400 days/);
			await expect(caseColumns(db, { from: hours(-1), to: NOW, categories: ['ufo'] })).rejects.toThrow(/unknown case categories: ufo/);
		});

		it("reads of a unit above the jurisdiction hold the jurisdiction's cases only", async () => {
			const only2 = [G2];
			// The subdistrict's KPIs and wall, read by grid 2: grid 2's two cases, nothing of grid 1.
			const k = await caseKpis(db, NOW, SD, only2);
			expect(k.total).toBe(2);
			expect(await caseKpis(db, NOW, SD, only2)).toEqual(await caseKpis(db, NOW, G2, null));
			const wall = await wallLive(db, SD, only2, NOW);
			expect(wall.today).toBe(2);
			expect(wall.latest.map((c) => c.grid_code)).toEqual([G2, G2]);
			expect(wall.byCategory.reduce((a, c) => a + c.week, 0)).toBe(2);
			expect((await wallLive(db, SD, null, NOW)).latest.length).toBeGreaterThan(2);
			// The exact points, one case, the list and the stream position.
			const points = await layerGeoJSON(db, 'cases', { scope: only2 });
			expect(points.features.map((f) => f.properties!.grid_code)).toEqual([G2, G2]);
			await expect(layerGeoJSON(db, 'cases')).rejects.toThrow(/scope is required/);
			const g1Case = (await listCases(db, { units: [G1], limit: 1 }))[0];
			expect(await getCase(db, g1Case.id, only2)).toBeNull();
			expect(await getCase(db, g1Case.id, [G1])).toMatchObject({ id: g1Case.id });
			expect((await listCases(db, { units: only2, limit: 5000 })).length).toBe(2);
			expect(await lastEventId(db, ['320102999'])).toBe(0);
			// An empty jurisdiction sees nothing.
			expect((await caseKpis(db, NOW, null, [])).total).toBe(0);
		});
	});
}
