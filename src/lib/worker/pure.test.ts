// The phone's pure pieces: task order, what a task allows, subclass → category, inside-my-grid,
// patrol figures, EXIF evidence, downscaled sizes.
import { describe, expect, it } from 'vitest';
import { compareTasks, sortTasks, taskActions, type WorkerTask } from './tasks';
import { categoryForSubclass } from './taxonomy';
import { insideAny, metres } from './geometry';
import { trackStats } from './patrol-stats';
import { readExif } from './exif';
import { fitSize } from './images';
import type { MultiPolygon } from 'geojson';

const task = (id: string, over: Partial<WorkerTask> = {}): WorkerTask => ({
	id,
	category: 'other',
	status: 'dispatched',
	description: null,
	reported_at: '2026-01-05T02:00:00Z',
	lon: 0,
	lat: 0,
	grid_code: null,
	subclass: null,
	ops: null,
	returned: null,
	mine: false,
	takenBy: null,
	notes: [],
	photos: [],
	...over
});
const clock = (state: 'ok' | 'warning' | 'overdue', leftMin: number) => ({
	stage: 'handle' as const,
	startedAt: '',
	dueAt: '',
	unit: 'work_hour' as const,
	limitMin: 60,
	usedMin: 0,
	leftMin,
	share: 0,
	state,
	left: { zh: '', en: '' }
});
const ops = (c: ReturnType<typeof clock> | null, urgent = false) => ({
	stage: 'handle' as const,
	urgent,
	clock: c,
	assignees: [],
	reworkCount: 0,
	subclass: { code: 'E0102', name_zh: '', name_en: '' }
});

describe('tasks', () => {
	it('most urgent first: overdue, warning, least time left, urgent; then newest; closed last', () => {
		const list = [
			task('closed', { status: 'closed', reported_at: '2026-01-09T00:00:00Z' }),
			task('new-no-clock', { reported_at: '2026-01-08T00:00:00Z' }),
			task('old-no-clock', { reported_at: '2026-01-01T00:00:00Z' }),
			task('ok-long', { ops: ops(clock('ok', 300)) }),
			task('ok-short', { ops: ops(clock('ok', 30)) }),
			task('warning', { ops: ops(clock('warning', 100)) }),
			task('overdue', { ops: ops(clock('overdue', -20)) }),
			task('overdue-more', { ops: ops(clock('overdue', -90)) })
		];
		expect(sortTasks(list).map((t) => t.id)).toEqual(['overdue-more', 'overdue', 'warning', 'ok-short', 'ok-long', 'new-no-clock', 'old-no-clock', 'closed']);
		expect(compareTasks(task('a', { ops: ops(null, true) }), task('b', { ops: ops(null, false) }))).toBeLessThan(0);
	});

	it('the handling side may take an untaken open case, mark handled only while handling', () => {
		expect(taskActions(task('x', { ops: ops(clock('ok', 5)) }))).toEqual({ take: true, handle: true, note: true });
		expect(taskActions(task('x', { takenBy: 'w' }))).toEqual({ take: false, handle: false, note: true });
		expect(taskActions(task('x', { status: 'closed' }))).toEqual({ take: false, handle: false, note: false });
	});
});

describe('taxonomy, geometry, patrol', () => {
	const tax = {
		categories: [
			{ code: 'environment', name_zh: '', name_en: '', subclass_code: 'E0102' },
			{ code: 'dispute', name_zh: '', name_en: '', subclass_code: 'E0601' }
		],
		classes: [
			{ code: 'E01', kind: 'event' as const, name_zh: '', name_en: '' },
			{ code: 'P01', kind: 'part' as const, name_zh: '', name_en: '' },
			{ code: 'E04', kind: 'event' as const, name_zh: '', name_en: '' },
			{ code: 'E05', kind: 'event' as const, name_zh: '', name_en: '' }
		]
	};
	it('files a subclass under the category mapped onto it, else by its class', () => {
		expect(categoryForSubclass(tax, 'E0601')).toBe('dispute');
		expect(categoryForSubclass(tax, 'E0105')).toBe('environment');
		expect(categoryForSubclass(tax, 'P0101')).toBe('facility_damage');
		expect(categoryForSubclass(tax, 'E0402')).toBe('safety_hazard');
		expect(categoryForSubclass(tax, 'E0501')).toBe('other');
	});

	const square: MultiPolygon = {
		type: 'MultiPolygon',
		coordinates: [
			[
				[
					[118, 32],
					[118.01, 32],
					[118.01, 32.01],
					[118, 32.01],
					[118, 32]
				]
			]
		]
	};
	it('inside my grid: strictly inside, like ST_Contains', () => {
		expect(insideAny([square], 118.005, 32.005)).toBe(true);
		expect(insideAny([square], 118.02, 32.005)).toBe(false);
		expect(insideAny([square], 118, 32.005)).toBe(false); // on the edge
		expect(insideAny([], 118.005, 32.005)).toBe(false);
	});

	it('patrol: distance walked and time inside, no jumps, no gaps, no walking between patrols', () => {
		const p = (s: number, lon: number, patrol = 'a') => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString(), lon, lat: 32.005, patrol });
		const step = metres([118.002, 32.005], [118.003, 32.005]);
		expect(step).toBeGreaterThan(90);
		expect(step).toBeLessThan(100);
		const stats = trackStats([p(0, 118.002), p(30, 118.003), p(60, 118.004), p(90, 118.02), p(100, 118.5), p(1000, 118.501), p(1030, 118.502, 'b')], [square]);
		// 118.002→.003→.004 inside (60 s), .004→.02 outside (~1.5 km: a jump, not counted), .02→.5 a jump, 900 s gap, patrol change.
		expect(stats.metres).toBe(Math.round(2 * step));
		expect(stats.insideS).toBe(60);
		expect(stats.points).toBe(7);
	});
});

describe('photos on the phone', () => {
	it('reads EXIF time (Beijing) and GPS position from a JPEG', () => {
		// A minimal JPEG: SOI, APP1 Exif with IFD0 → ExifIFD (DateTimeOriginal) and GPS IFD.
		const tiff: number[] = [];
		const u16 = (v: number) => tiff.push(v & 0xff, v >> 8);
		const u32 = (v: number) => tiff.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24);
		tiff.push(0x49, 0x49);
		u16(42);
		u32(8);
		// IFD0 at 8: 2 entries (ExifIFD → 38, GPS → 68)
		u16(2);
		u16(0x8769);
		u16(4);
		u32(1);
		u32(38);
		u16(0x8825);
		u16(4);
		u32(1);
		u32(68);
		u32(0);
		// Exif IFD at 38: DateTimeOriginal (ASCII, 20 bytes at 140)
		u16(1);
		u16(0x9003);
		u16(2);
		u32(20);
		u32(140);
		u32(0);
		while (tiff.length < 68) tiff.push(0);
		// GPS IFD at 68: N, lat (3 rationals at 160), E, lon (at 184)
		u16(4);
		u16(1);
		u16(2);
		u32(2);
		tiff.push(0x4e, 0, 0, 0);
		u16(2);
		u16(5);
		u32(3);
		u32(160);
		u16(3);
		u16(2);
		u32(2);
		tiff.push(0x45, 0, 0, 0);
		u16(4);
		u16(5);
		u32(3);
		u32(184);
		u32(0);
		while (tiff.length < 140) tiff.push(0);
		for (const c of '2026:03:14 09:30:00\0') tiff.push(c.charCodeAt(0));
		while (tiff.length < 160) tiff.push(0);
		for (const [n, d] of [
			[32, 1],
			[3, 1],
			[36, 1]
		]) {
			u32(n);
			u32(d);
		}
		for (const [n, d] of [
			[118, 1],
			[47, 1],
			[2400, 100]
		]) {
			u32(n);
			u32(d);
		}
		const app1 = [...'Exif'].map((c) => c.charCodeAt(0)).concat([0, 0], tiff);
		const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe1, (app1.length + 2) >> 8, (app1.length + 2) & 0xff, ...app1, 0xff, 0xd9]);
		const e = readExif(jpeg);
		expect(e.takenAt).toBe('2026-03-14T01:30:00.000Z');
		expect(e.lat).toBeCloseTo(32.06, 6);
		expect(e.lon).toBeCloseTo(118 + 47 / 60 + 24 / 3600, 6);
		expect(readExif(new Uint8Array([0x89, 0x50]))).toEqual({ takenAt: null, lon: null, lat: null });
	});

	it('downscales to 1600 px on the long side, never enlarges', () => {
		expect(fitSize(4000, 3000, 1600)).toEqual({ width: 1600, height: 1200 });
		expect(fitSize(3000, 4000, 1600)).toEqual({ width: 1200, height: 1600 });
		expect(fitSize(800, 600, 1600)).toEqual({ width: 800, height: 600 });
	});
});
