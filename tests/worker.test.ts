// The worker's field routes on both engines (docs/worker.md): a report through the case ingest
// (idempotent by the phone's id, refused outside the worker's grid, its 小类 kept for 立案), notes and
// 接单, photos stored as files and read only inside the jurisdiction, my tasks (clock, rework
// reason), and patrol tracks (stored once, personal).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { submitReport } from '../src/lib/server/worker/reports';
import { addNote } from '../src/lib/server/worker/notes';
import { casePhotos, readPhoto, savePhoto } from '../src/lib/server/worker/photos';
import { listTasks } from '../src/lib/server/worker/tasks';
import { LINE_POINTS, listPatrols, patrolDays, patrolLines, readTrack, storePoints, sweepTracks } from '../src/lib/server/worker/patrol';
import { FieldError } from '../src/lib/server/worker/errors';
import { takeStep } from '../src/lib/server/cases/ops';
import { readScope } from '../src/lib/server/auth/scope';
import { ROLE_CAPABILITIES, type Principal, type Role } from '../src/lib/auth/capabilities';
import { testEngines } from './helpers/engines';

const sq = (x0: number, y0: number, x1: number, y1: number) => `ST_Multi(ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`;
const SD = '320100001';
const C1 = '320100001001';
const C2 = '320100001002';
const G1 = `${C1}001`;
const G2 = `${C2}001`;
const who = (name: string, role: Role, units: string[]): Principal => ({
	kind: 'user',
	id: 1,
	name,
	displayName: name,
	role,
	capabilities: [...ROLE_CAPABILITIES[role]],
	units
});
const wk1 = who('wk1', 'worker', [G1]);
const wk2 = who('wk2', 'worker', [G2]);
const leader = who('lead', 'leader', ['*']);
const leaderC2 = who('lead2', 'leader', [C2]);

// A tiny valid JPEG header is all the sniffer needs; a PNG thumbnail.
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(200).fill(7), 0xff, 0xd9]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(64).fill(1)]);
const form = (fields: Record<string, string | Uint8Array>) => {
	const f = new FormData();
	for (const [k, v] of Object.entries(fields)) {
		if (typeof v === 'string') f.set(k, v);
		else f.set(k, new Blob([v as Uint8Array<ArrayBuffer>]), k);
	}
	return f;
};
const refusal = async (p: Promise<unknown>) => {
	try {
		await p;
	} catch (err) {
		if (err instanceof FieldError) return err.code;
		throw err;
	}
	return 'accepted';
};

for (const engine of testEngines()) {
	describe(`the worker's field routes on ${engine.name}`, () => {
		let db: Db;
		const photos = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-photos-'));
		beforeAll(async () => {
			process.env.GRIDATLAS_PHOTO_DIR = photos;
			db = await engine.open();
			await db.exec(`
				INSERT INTO subdistricts (code, name, geom) VALUES ('${SD}', '测试街道', ${sq(118, 32, 118.2, 32.1)});
				INSERT INTO communities (code, subdistrict_code, name, geom) VALUES
					('${C1}', '${SD}', '东社区', ${sq(118, 32, 118.1, 32.1)}), ('${C2}', '${SD}', '西社区', ${sq(118.1, 32, 118.2, 32.1)});
				INSERT INTO grids (code, community_code, seq, name, geom) VALUES
					('${G1}', '${C1}', 1, '一网格', ${sq(118, 32, 118.1, 32.1)}), ('${G2}', '${C2}', 1, '二网格', ${sq(118.1, 32, 118.2, 32.1)});
				INSERT INTO users (username, display_name, role, password_hash) VALUES ('wk1', '王', 'worker', 'x'), ('wk2', '李', 'worker', 'x');
				INSERT INTO user_jurisdictions (user_id, unit_code) SELECT id, '${G1}' FROM users WHERE username = 'wk1';
				INSERT INTO user_jurisdictions (user_id, unit_code) SELECT id, '${G2}' FROM users WHERE username = 'wk2';
			`);
		}, 120_000);
		afterAll(async () => {
			delete process.env.GRIDATLAS_PHOTO_DIR;
			fs.rmSync(photos, { recursive: true, force: true });
			await engine.cleanup();
		});

		it('a report goes through the case ingest once, whatever the resends; its 小类 becomes the registration default', async () => {
			const body = {
				id: 'm-report-0001',
				subclass: 'E0104',
				lon: 118.05,
				lat: 32.05,
				accuracy: 12,
				description: '井盖缺失',
				reported_at: '2026-01-05T02:00:00Z'
			};
			const first = await submitReport(db, wk1, body);
			expect(first).toMatchObject({ outcome: 'inserted', subclass: 'E0104', category: 'environment', grid: G1 });
			expect((await submitReport(db, wk1, body)).outcome).toBe('unchanged');
			const [row] = await db.query<{ n: number; source: string; reported_at: Date; sub: string; acc: number }>(
				`SELECT count(*) OVER ()::int AS n, c.source, c.reported_at, r.subclass_code AS sub, r.accuracy_m AS acc
				 FROM cases c JOIN case_reports r ON r.case_id = c.id WHERE c.source_id = 'm-report-0001'`
			);
			expect(row).toMatchObject({ n: 1, source: 'grid_worker', sub: 'E0104', acc: 12 });
			expect(new Date(row.reported_at).toISOString()).toBe('2026-01-05T02:00:00.000Z');
			const ops = await takeStep(db, 'm-report-0001', { action: 'register' }, leader);
			expect(ops.subclass.code).toBe('E0104');
		});

		it('refuses a report outside the worker grid, an unknown subclass, a bad id or place', async () => {
			expect(await refusal(submitReport(db, wk1, { id: 'm-outside-01', subclass: 'E0104', lon: 118.15, lat: 32.05 }))).toBe('outside_jurisdiction');
			expect(await refusal(submitReport(db, wk1, { id: 'm-report-0002', subclass: 'X9999', lon: 118.05, lat: 32.05 }))).toBe('bad_subclass');
			expect(await refusal(submitReport(db, wk1, { id: 'no', subclass: 'E0104', lon: 118.05, lat: 32.05 }))).toBe('bad_id');
			expect(await refusal(submitReport(db, wk1, { id: 'm-report-0003', subclass: 'E0104', lon: 'x', lat: 32.05 }))).toBe('bad_location');
			const [{ n }] = await db.query<{ n: number }>(
				`SELECT count(*)::int AS n FROM cases WHERE source_id IN ('m-outside-01', 'm-report-0002', 'm-report-0003')`
			);
			expect(n).toBe(0);
		});

		it('notes and 接单 are stored once by their id, only on cases of the jurisdiction', async () => {
			expect(await addNote(db, wk1, 'm-report-0001', { id: 'n-take-00001', kind: 'take' })).toMatchObject({ created: true });
			expect(await addNote(db, wk1, 'm-report-0001', { id: 'n-take-00001', kind: 'take' })).toMatchObject({ created: false });
			await addNote(db, wk1, 'm-report-0001', { id: 'n-note-00001', text: '已联系物业' });
			expect(await refusal(addNote(db, wk2, 'm-report-0001', { id: 'n-note-00002', text: 'x' }))).toBe('unknown_case');
			expect(await refusal(addNote(db, wk1, 'm-report-0001', { id: 'n-note-00003', text: '' }))).toBe('bad_text');
			const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM case_notes');
			expect(n).toBe(2);
		});

		it('photos: sniffed, stored as files once, read back only inside the jurisdiction, at most 6', async () => {
			const saved = await savePhoto(
				db,
				wk1,
				'm-report-0001',
				form({ id: 'p-photo-00001', photo: JPEG, thumb: PNG, taken_at: '2026-01-05T01:59:00Z', exif_lon: '118.05', exif_lat: '32.05' })
			);
			expect(saved).toMatchObject({ created: true, mime: 'image/jpeg', bytes: JPEG.byteLength });
			expect((await savePhoto(db, wk1, 'm-report-0001', form({ id: 'p-photo-00001', photo: JPEG }))).created).toBe(false);
			const full = await readPhoto(db, readScope(wk1), 'p-photo-00001', false);
			expect(Buffer.from(full.bytes).equals(Buffer.from(JPEG))).toBe(true);
			expect((await readPhoto(db, readScope(wk1), 'p-photo-00001', true)).mime).toBe('image/png');
			expect((await readPhoto(db, null, 'p-photo-00001', false)).mime).toBe('image/jpeg'); // a whole-city leader
			expect(await refusal(readPhoto(db, readScope(wk2), 'p-photo-00001', false))).toBe('unknown_photo');
			expect(await refusal(readPhoto(db, readScope(leaderC2), 'p-photo-00001', true))).toBe('unknown_photo');
			expect(await refusal(readPhoto(db, readScope(wk1), '../../etc/passwd', false))).toBe('unknown_photo');
			// The file lies under the photo directory.
			const [{ file }] = await db.query<{ file: string }>(`SELECT file FROM case_photos WHERE id = 'p-photo-00001'`);
			expect(fs.existsSync(path.join(photos, file))).toBe(true);
			expect(
				await refusal(savePhoto(db, wk1, 'm-report-0001', form({ id: 'p-photo-00002', photo: new TextEncoder().encode('%PDF-1.7 not a photo at all') })))
			).toBe('not_an_image');
			expect(await refusal(savePhoto(db, wk2, 'm-report-0001', form({ id: 'p-photo-00003', photo: JPEG })))).toBe('unknown_case');
			process.env.GRIDATLAS_MAX_PHOTO_MB = '0.0001';
			expect(await refusal(savePhoto(db, wk1, 'm-report-0001', form({ id: 'p-photo-00004', photo: JPEG })))).toBe('photo_too_large');
			delete process.env.GRIDATLAS_MAX_PHOTO_MB;
			for (let i = 5; i <= 9; i++) await savePhoto(db, wk1, 'm-report-0001', form({ id: `p-photo-0000${i}`, photo: JPEG }));
			expect(await refusal(savePhoto(db, wk1, 'm-report-0001', form({ id: 'p-photo-00010', photo: JPEG })))).toBe('too_many_photos');
			// A note has its own six.
			expect((await savePhoto(db, wk1, 'm-report-0001', form({ id: 'p-photo-00011', photo: JPEG, note: 'n-note-00001' }))).created).toBe(true);

			// Two uploads of one id at once, with different bytes: one row, and the bytes it names are its own;
			// the other upload's file is gone.
			const other = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(300).fill(9), 0xff, 0xd9]);
			const raced = await Promise.all(
				[JPEG, other].map((photo) => savePhoto(db, wk1, 'm-report-0001', form({ id: 'p-race-000001', photo, note: 'n-note-00001' })))
			);
			expect(raced.filter((r) => r.created)).toHaveLength(1);
			const [row] = await db.query<{ bytes: number; file: string }>(`SELECT bytes, file FROM case_photos WHERE id = 'p-race-000001'`);
			const back = await readPhoto(db, null, 'p-race-000001', false);
			expect(back.bytes.byteLength).toBe(row.bytes);
			const dir = path.dirname(path.join(photos, row.file));
			expect(fs.readdirSync(dir).filter((f) => f.startsWith('p-race-000001'))).toEqual([path.basename(row.file)]);
			// The case card's list: who, when (the camera's time where it gave one) and how far from the case the camera was.
			const listed = await casePhotos(db, 'm-report-0001', { lon: 118.05, lat: 32.0505 });
			const first = listed.find((p) => p.id === 'p-photo-00001')!;
			expect(first).toMatchObject({ actor: 'user:wk1', takenAt: '2026-01-05T01:59:00.000Z', exif: { lon: 118.05, lat: 32.05 }, offsetM: 56 });
			expect(listed.find((p) => p.id === 'p-photo-00005')).toMatchObject({ takenAt: null, exif: null, offsetM: null });
			await db.query(`DELETE FROM case_photos WHERE id = 'p-race-000001'`); // the tasks below count the case's photos
			fs.rmSync(path.join(photos, row.file));
		});

		it('my tasks: the jurisdiction only, with the clock, who took it and why it came back', async () => {
			await takeStep(db, 'm-report-0001', { action: 'dispatch' }, leader);
			await takeStep(db, 'm-report-0001', { action: 'handle' }, wk1);
			await takeStep(db, 'm-report-0001', { action: 'verify_fail', reason: '照片不清楚' }, leader);
			await submitReport(db, wk2, { id: 'm-report-g2-01', subclass: 'E0104', lon: 118.15, lat: 32.05 });
			const mine = await listTasks(db, wk1);
			expect(mine.map((t) => t.id)).toEqual(['m-report-0001']);
			const t = mine[0];
			expect(t.ops?.stage).toBe('handle');
			expect(t.ops?.clock?.state).toMatch(/ok|warning|overdue/);
			expect(t.returned).toMatchObject({ action: 'verify_fail', reason: '照片不清楚' });
			expect(t.takenBy).toBe('wk1');
			expect(t.notes.map((n) => n.id)).toEqual(['n-take-00001', 'n-note-00001']);
			expect(t.photos).toHaveLength(7);
			expect((await listTasks(db, wk2)).map((x) => x.id)).toEqual(['m-report-g2-01']);
		});

		it('patrol points are stored once per id, per worker and day; a track is personal', async () => {
			const pts = [0, 30, 60].map((s, i) => ({
				id: `pt-point-000${i}`,
				patrol: 'patrol-000001',
				at: new Date(Date.now() - 120_000 + s * 1000).toISOString(),
				lon: 118.05 + i * 0.001,
				lat: 32.05,
				accuracy: 8
			}));
			expect(await storePoints(db, wk1, { points: pts })).toEqual({ received: 3, stored: 3 });
			expect(await storePoints(db, wk1, { points: pts })).toEqual({ received: 3, stored: 0 });
			const own = await readTrack(db, wk1, null, null);
			expect(own.points).toHaveLength(3);
			expect(own.metres).toBeGreaterThan(150);
			expect(own.insideS).toBe(60);
			expect(own.streetCoverage).toBeNull(); // no streets in the grid yet
			// Two streets in G1: one along the walk (lat 32.05, 118.04–118.06: half within 30 m), one far from it.
			await db.exec(`INSERT INTO roads (source_id, highway, walkable, geom) VALUES
				('w1', 'residential', true, ST_Multi(ST_GeomFromText('LINESTRING(118.04 32.05, 118.06 32.05)', 4326))),
				('w2', 'residential', true, ST_Multi(ST_GeomFromText('LINESTRING(118.04 32.09, 118.06 32.09)', 4326)))`);
			const covered = (await readTrack(db, wk1, null, null)).streetCoverage!;
			// Walked 118.050–118.052 (+30 m at each end ≈ 0.00064°) of 2 × 0.02° of street: 0.00264 / 0.04 = 0.066.
			expect(covered).toBeGreaterThan(0.06);
			expect(covered).toBeLessThan(0.072);
			expect((await readTrack(db, leader, 'wk1', null)).points).toHaveLength(3);
			expect(await refusal(readTrack(db, wk2, 'wk1', null))).toBe('unknown_worker');
			expect(await refusal(readTrack(db, leaderC2, 'wk1', null))).toBe('unknown_worker');
			expect(await refusal(storePoints(db, wk1, { points: [{ id: 'pt-bad-00001', patrol: 'patrol-000001', at: 'nope', lon: 1, lat: 1 }] }))).toBe(
				'bad_location'
			);
			// Kept GRIDATLAS_PATROL_KEEP_DAYS days: an old day is swept, today's stays.
			await db.query(
				`INSERT INTO patrol_points (client_id, username, day, patrol_id, at, lon, lat) VALUES ('pt-old-000001', 'wk1', current_date - 200, 'patrol-old', now() - interval '200 days', 118.05, 32.05)`
			);
			expect(await sweepTracks(db, Date.now(), true)).toBe(1);
			expect((await readTrack(db, wk1, null, null)).points).toHaveLength(3);
			// The map's lines: one per patrol of the workers a leader sees; nobody else's for a worker or another unit's leader.
			const lines = await patrolLines(db, leader, null);
			expect(lines.lines.features.map((f) => [f.properties?.user, f.properties?.patrol, f.geometry.coordinates.length])).toEqual([['wk1', 'patrol-000001', 3]]);
			expect(lines.lines.features[0].geometry.coordinates[0]).toEqual([118.05, 32.05]);
			expect((await patrolLines(db, leaderC2, null)).lines.features).toEqual([]);
			expect(await refusal(patrolLines(db, wk1, null))).toBe('unknown_worker');
			// A long walk is thinned to LINE_POINTS, its ends kept.
			const long = Array.from({ length: LINE_POINTS + 500 }, (_, i) => ({
				id: `pt-long-${String(i).padStart(6, '0')}`,
				patrol: 'patrol-long01',
				at: new Date(Date.now() - 3_600_000 + i * 1000).toISOString(),
				lon: 118.05 + i * 0.00001,
				lat: 32.06
			}));
			for (let i = 0; i < long.length; i += 500) await storePoints(db, wk1, { points: long.slice(i, i + 500) });
			const thinned = (await patrolLines(db, leader, null)).lines.features.find((f) => f.properties?.patrol === 'patrol-long01')!;
			expect(thinned.geometry.coordinates).toHaveLength(LINE_POINTS);
			expect(thinned.properties?.points).toBe(LINE_POINTS + 500);
			expect(thinned.geometry.coordinates.at(-1)![0]).toBeCloseTo(118.05 + (LINE_POINTS + 499) * 0.00001, 9);
			await db.query(`DELETE FROM patrol_points WHERE patrol_id = 'patrol-long01'`);
			// Leaders' overview: the workers inside their jurisdiction only, with the day's figures.
			const all = await listPatrols(db, leader, null);
			expect(all.workers.map((w) => [w.user, w.points])).toEqual([
				['wk1', 3],
				['wk2', 0]
			]);
			expect((await listPatrols(db, leaderC2, null)).workers.map((w) => w.user)).toEqual(['wk2']);
			expect(await patrolDays(db, leader, 'wk1')).toEqual([{ day: all.day, points: 3 }]);
			expect(await refusal(patrolDays(db, leaderC2, 'wk1'))).toBe('unknown_worker');
		});
	});
}
