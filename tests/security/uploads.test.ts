// Issue 16, finding 3 over HTTP, against the production build: zip bombs posted to /import (as an
// admin) and to plan import (as a planner) are refused with the import's bilingual message — 413 from
// /import, 400 from plan import — within the memory goal (server RSS growth ≤ 4 × the upload + 200 MB),
// nothing is written, and the server stays up. Truncated files (finding 11) are refused as damaged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild, startApp, type AppServer } from '../browser/helpers/app-server';
import { sessionCookie } from '../browser/helpers/session';
import { buildZip, compressedZeros, GiB, manyEntryZip, MiB, overlappingZip, pbfBomb, shapefileBomb, xlsxBomb, type Compressed } from './bombs';
import { allowedGrowth, watchRss } from './rss';
import { COMMUNITY, postImport, postPlanImport, uploadTinyCity, type Answer } from './upload-client';

let app: AppServer;
let admin: string;
let planner: string;
let zeros: Compressed;
let zeros32: Compressed;

beforeAll(async () => {
	ensureBuild();
	app = await startApp({ demo: false });
	admin = await sessionCookie(app.url, 'admin');
	planner = await sessionCookie(app.url, 'planner');
	await uploadTinyCity(app.url, admin);
	zeros = await compressedZeros(GiB);
	zeros32 = await compressedZeros(32 * MiB, 'deflate');
}, 300_000);

afterAll(async () => {
	await app?.stop();
});

/** Posts one upload and checks the server's memory stayed within the goal meanwhile. */
async function refused(post: () => Promise<Answer>, bytes: Uint8Array): Promise<Answer> {
	const watch = watchRss(app.pid);
	const answer = await post();
	const growth = watch.stop();
	expect(growth, `RSS grew ${(growth / MiB).toFixed(0)} MB for a ${(bytes.length / MiB).toFixed(1)} MB upload`).toBeLessThanOrEqual(
		allowedGrowth(bytes.length)
	);
	return answer;
}

const bilingual = (rule: string) => new RegExp(`[\\u4e00-\\u9fff].* \\[${rule}\\] / [A-Za-z].* \\[${rule}\\]`);

const bombs = (): [string, () => Uint8Array, string][] => [
	['bomb.zip', () => shapefileBomb(zeros), 'zip-bomb'],
	['three.zip', () => buildZip(['shp', 'dbf', 'cpg'].map((ext) => ({ name: `bomb.${ext}`, content: zeros }))), 'zip-bomb'],
	['lie.zip', () => shapefileBomb(zeros, { declaredSize: 4096 }), 'zip-bomb'],
	['overlap.zip', () => overlappingZip(['a.shp', 'a.dbf', 'b.shp', 'c.shp'], zeros), 'zip-bomb'],
	['many.zip', () => manyEntryZip(5000), 'archive-too-large']
];

describe('zip bombs over HTTP', () => {
	it('/import (admin): 413 and the bilingual message for each, the PBF and Excel bombs too', async () => {
		for (const [name, build, rule] of [
			...bombs(),
			['bomb.osm.pbf', () => pbfBomb(zeros32, null), 'zip-bomb'] as const,
			['bomb.xlsx', () => xlsxBomb(zeros), 'zip-bomb'] as const
		]) {
			const bytes = build();
			const answer = await refused(() => postImport(app.url, admin, name, bytes), bytes);
			expect(answer, name).toMatchObject({ status: 413, rule });
			expect(answer.message).toMatch(new RegExp(`^${name.replaceAll('.', '\\.')}: `));
			expect(answer.message).toMatch(bilingual(rule));
		}
	});

	it('plan import (planner): 400 bad_file, with the same message', async () => {
		for (const [name, build, rule] of bombs()) {
			const bytes = build();
			const answer = await refused(() => postPlanImport(app.url, planner, name, bytes), bytes);
			expect(answer, name).toMatchObject({ status: 400, rule: 'bad_file' });
			expect(answer.message).toMatch(bilingual(rule));
		}
	});

	it('a page post without JavaScript gets the 413 too', async () => {
		const form = new FormData();
		form.set('layer', 'buildings');
		form.set('file', new File([shapefileBomb(zeros) as Uint8Array<ArrayBuffer>], 'bomb.zip'));
		const res = await fetch(`${app.url}/import`, { method: 'POST', body: form, headers: { cookie: admin, origin: app.url, accept: 'text/html' } });
		expect(res.status).toBe(413);
		expect(await res.text()).toContain('[zip-bomb]');
	});

	it('truncated files are refused as damaged, not imported as far as they go', async () => {
		const osm = new TextEncoder().encode(
			'<?xml version="1.0"?>\n<osm version="0.6">\n <node id="1" lat="32.04" lon="118.78">\n  <tag k="amenity" v="clinic"/>\n </node>\n <node id="2" lat="32.0'
		);
		const cut = await postImport(app.url, admin, 'cut.osm', osm, 'facilities');
		expect(cut).toMatchObject({ status: 422, rule: 'damaged-file' });
		expect(cut.message).toContain('the OSM file ends before </osm>: it is truncated');
		const zip = shapefileBomb({ data: new Uint8Array(100), size: 100, crc: 0 });
		const plan = await postPlanImport(app.url, planner, 'cut.zip', zip.subarray(0, zip.length - 30));
		expect(plan.status).toBe(400);
		expect(plan.message).toMatch(bilingual('damaged-file'));
	});

	it('wrote nothing, and the server is still up', async () => {
		const buildings = (await (await app.fetch(`${app.url}/api/layers/buildings`)).json()) as { features: unknown[] };
		expect(buildings.features).toHaveLength(0);
		const facilities = (await (await app.fetch(`${app.url}/api/layers/facilities`)).json()) as { features: unknown[] };
		expect(facilities.features).toHaveLength(0);
		const plan = (await (await fetch(`${app.url}/api/plans/${COMMUNITY}`, { headers: { cookie: planner } })).json()) as { revisions: unknown[] };
		expect(plan.revisions).toHaveLength(0);
		const health = await fetch(`${app.url}/api/health`);
		expect(health.status).toBe(200);
	});
});
