// Jurisdiction as a row filter (issue 16, finding 1), over HTTP against the production build: the
// reads. A reader scoped to one grid, one community or one subdistrict may open the units above it (to
// drill down), but no answer may carry a case — id, description, point — from outside its jurisdiction.
// Every route on disk (tests/helpers/routes.ts) has a probe (tests/helpers/jurisdiction/probes.ts) or a
// reason why it returns no case data, so a new route can't bring the hole back. Known cases are planted
// in the readers' grid and in every sibling (tests/helpers/jurisdiction/city.ts); each probe is called
// at every unit of the readers' subdistrict and the one next door, and with none: no foreign case id or
// description appears (pages too, and their __data.json). The figures and the live stream:
// jurisdiction-figures.test.ts.
import { describe, expect, it } from 'vitest';
import { routesOnDisk } from '../helpers/routes';
import { caseId, FOREIGN, plantedCity } from '../helpers/jurisdiction/city';
import { calls, NO_CASE_DATA, probes, STREAMED } from '../helpers/jurisdiction/probes';

describe('jurisdiction: reads above the jurisdiction carry none of its siblings’ cases', () => {
	const city = plantedCity();
	const { readers, get, leaks } = city;

	it('every route on disk has a probe here or a reason it returns no case data (a new route fails this test)', () => {
		const table = probes(city.ctx);
		const disk = routesOnDisk().map((r) => `${r.method} ${r.id}`);
		expect(disk.length).toBeGreaterThan(40);
		expect(
			disk.filter((k) => !table[k] && !NO_CASE_DATA[k] && !STREAMED.has(k)),
			'routes with neither a probe nor a reason'
		).toEqual([]);
		const known = new Set(disk);
		expect(
			[...Object.keys(table), ...Object.keys(NO_CASE_DATA), ...STREAMED].filter((k) => !known.has(k)),
			'probes of routes that no longer exist'
		).toEqual([]);
		expect(
			Object.keys(table).filter((k) => NO_CASE_DATA[k]),
			'probed and declared caseless at once'
		).toEqual([]);
	});

	it('no answer, at the own unit, a parent, a sibling or none, carries a foreign case id or description', async () => {
		const failures: string[] = [];
		for (const reader of readers) {
			let ok = 0;
			for (const call of calls(city.ctx)) {
				const got = await get(reader, call.path);
				if (got.status >= 500) failures.push(`${reader.name} GET ${call.path}: ${got.status} ${got.text.slice(0, 200)}`);
				if (got.status === 200) ok++;
				failures.push(...leaks(reader, call.path, got.text, call.probe.echo));
				// Not vacuous: where a reader may read the list, its own cases are on it.
				if (call.probe.lists && got.status === 200 && call.ownInside && !got.text.includes('JUR-own-'))
					failures.push(`${reader.name} GET ${call.path}: its own cases are missing`);
			}
			if (ok < 30) failures.push(`${reader.name}: only ${ok} answers were 200 — is it signed in?`);
		}
		expect(failures).toEqual([]);
	}, 300_000);

	it('a case outside the jurisdiction reads exactly like one that does not exist', async () => {
		for (const reader of readers) {
			const unknown = await get(reader, '/api/cases/JUR-unknown-1');
			for (const place of FOREIGN[reader.level]) {
				const id = caseId(place, 1);
				const got = await get(reader, `/api/cases/${id}`);
				expect({ reader: reader.name, id, status: got.status, text: got.text.replaceAll(id, 'X') }).toEqual({
					reader: reader.name,
					id,
					status: unknown.status,
					text: unknown.text.replaceAll('JUR-unknown-1', 'X')
				});
			}
		}
	});

	it("the wall of a unit above the jurisdiction says its case figures are the reader's only", async () => {
		const wall = `/wall/${city.ctx.units.subdistrict}`;
		for (const reader of readers.filter((r) => r.role === 'leader' || r.token === 'wall')) {
			const html = (await get(reader, `${wall}?lang=zh`)).text;
			expect(html.includes('data-testid="wall-scope"'), reader.name).toBe(reader.level !== 'subdistrict');
			// /wall (the city's) sends a scoped reader on to its own subdistrict's.
			expect((await fetch(`${city.app.url}/wall`, { headers: reader.headers, redirect: 'manual' })).headers.get('location')).toBe(wall);
		}
		const leader = readers.find((r) => r.name === 'jur-leader-community')!;
		expect((await get(leader, `${wall}?lang=zh`)).text).toMatch(/案件数据仅含本辖区：[^<]*社区/);
	});
});
