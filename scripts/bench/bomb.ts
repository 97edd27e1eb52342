// npm run bench -- bomb [--smoke]
// Zip bombs against the production server (embedded engine, the demo city loaded): each bomb, built in
// memory, is posted to /import as an admin and to plan import as a planner while the server's RSS is
// watched (/proc VmRSS sampled, plus the kernel's peak VmHWM). Goal (issue 16, finding 3): whether the
// upload is accepted or refused, RSS growth ≤ 4 × its compressed size + 200 MB. A real OSM extract
// (dry run) shows ordinary uploads still pass. For comparison, the naive method — inflating an entry
// whole, as the Shapefile reader did through but-unzip (zlib.inflateRaw) — runs in this process.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke): small bombs and no demo city (seconds; run by
// tests/benches/bomb.test.ts).
// Ends with RESULT {json}: bomb_rss_mb (the largest growth), limit_ok, and the refusal rule of each upload.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ensureBuild, startApp, ROOT } from '../../tests/browser/helpers/app-server';
import { sessionCookie } from '../../tests/browser/helpers/session';
import { buildZip, compressed, compressedZeros, GiB, manyEntryZip, MiB, overlappingZip, pbfBomb, shapefileBomb } from '../../tests/security/bombs';
import { allowedGrowth, rssBytes, watchRss } from '../../tests/security/rss';
import { COMMUNITY, postImport, postPlanImport, uploadTinyCity, type Answer } from '../../tests/security/upload-client';
import { listZip, readZipEntries } from '$geo/archive';

const smoke = process.argv.includes('--smoke') || process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const ZEROS = smoke ? 64 * MiB : GiB;
const mb = (n: number) => n / MiB;

interface Upload {
	name: string;
	bytes: Uint8Array;
	layer: string;
	/** Also posted to plan import (zips; plan import reads GeoJSON and zipped Shapefiles only). */
	plan: boolean;
	dryRun?: boolean;
}

async function uploads(): Promise<Upload[]> {
	const zeros = await compressedZeros(ZEROS);
	const zeros32 = await compressedZeros(smoke ? 16 * MiB : 32 * MiB, 'deflate');
	const label = `${mb(ZEROS)} MiB`;
	const list: Upload[] = [
		{ name: `shp-${label}.zip`, bytes: shapefileBomb(zeros), layer: 'buildings', plan: true },
		{
			name: `shp-3x${label}.zip`,
			bytes: buildZip(['shp', 'dbf', 'cpg'].map((ext) => ({ name: `bomb.${ext}`, content: zeros }))),
			layer: 'buildings',
			plan: true
		},
		{ name: 'shp-lying-small.zip', bytes: shapefileBomb(zeros, { declaredSize: 100_000 }), layer: 'buildings', plan: true },
		{ name: 'shp-lying-400to1.zip', bytes: shapefileBomb(zeros, { declaredSize: 400 * zeros.data.length }), layer: 'buildings', plan: true },
		{
			name: 'overlap-10.zip',
			bytes: overlappingZip(['a.shp', 'a.dbf', ...Array.from({ length: 8 }, (_, i) => `x${i}.shp`)], zeros),
			layer: 'buildings',
			plan: true
		},
		{ name: 'nested.zip', bytes: buildZip([{ name: 'inner.zip', content: compressed(shapefileBomb(zeros)) }]), layer: 'buildings', plan: true },
		{ name: 'many-5000.zip', bytes: manyEntryZip(5000), layer: 'buildings', plan: true },
		{ name: 'pbf-block.osm.pbf', bytes: pbfBomb(zeros32), layer: 'buildings', plan: false },
		{ name: 'pbf-100-blocks-no-size.osm.pbf', bytes: pbfBomb(zeros32, null, smoke ? 4 : 100), layer: 'buildings', plan: false }
	];
	const real = fs.readFileSync(path.join(ROOT, 'demo/osm/xinjiekou.osm.pbf'));
	list.push({ name: 'xinjiekou.osm.pbf (real, dry run)', bytes: new Uint8Array(real), layer: 'buildings', plan: false, dryRun: true });
	return list;
}

/** The naive method on the first bomb, in this process: inflate the .shp whole (what the reader did) vs. readZipEntries. */
async function naiveVsCapped(zip: Uint8Array): Promise<{ naiveMb: number; cappedMb: number; refusal: string }> {
	const entry = listZip(zip)[0];
	const rss = () => process.memoryUsage().rss;
	let before = rss();
	const whole = zlib.inflateRawSync(entry.data);
	const naiveMb = mb(rss() - before);
	whole.fill(1, 0, 1); // held until measured
	before = rss();
	const refusal = await readZipEntries([entry]).then(
		() => 'accepted',
		(e: { rule?: string }) => e.rule ?? String(e)
	);
	return { naiveMb, cappedMb: mb(rss() - before), refusal };
}

async function main() {
	ensureBuild();
	const list = await uploads();
	const comparison = await naiveVsCapped(list[0].bytes);
	console.log(
		`in-process, ${list[0].name}: naive inflate +${comparison.naiveMb.toFixed(0)} MB RSS, capped +${comparison.cappedMb.toFixed(0)} MB (${comparison.refusal})`
	);

	const t0 = performance.now();
	const app = await startApp({ demo: !smoke, timeoutMs: 600_000 });
	try {
		const admin = await sessionCookie(app.url, 'admin');
		const planner = await sessionCookie(app.url, 'planner');
		let community = COMMUNITY;
		if (smoke) await uploadTinyCity(app.url, admin);
		else {
			const fc = (await (await app.fetch(`${app.url}/api/layers/communities`)).json()) as { features: { properties: { code: string } }[] };
			community = fc.features[0].properties.code;
		}
		const baseline = rssBytes(app.pid);
		console.log(
			`server up in ${((performance.now() - t0) / 1000).toFixed(0)} s (${smoke ? 'no demo city' : 'demo city'}), RSS ${mb(baseline).toFixed(0)} MB\n`
		);
		console.log(
			`${'upload'.padEnd(34)} ${'route'.padEnd(12)} ${'size'.padStart(8)} ${'status'.padStart(6)}  ${'rule'.padEnd(22)} ${'RSS +'.padStart(8)} ${'allowed'.padStart(8)}`
		);
		const rules: Record<string, string> = {};
		let worst = 0;
		let ok = true;
		for (const u of list) {
			const routes: [string, () => Promise<Answer>][] = [['/import', () => postImport(app.url, admin, u.name, u.bytes, u.layer, u.dryRun)]];
			if (u.plan) routes.push(['plan import', () => postPlanImport(app.url, planner, u.name, u.bytes, community)]);
			for (const [route, post] of routes) {
				const watch = watchRss(app.pid);
				const answer = await post();
				const growth = watch.stop();
				const rule = answer.status < 300 ? 'accepted' : (/\[([a-z-]+)\] \/ /.exec(answer.message)?.[1] ?? answer.rule ?? '?');
				rules[`${u.name} ${route}`] = rule;
				worst = Math.max(worst, growth);
				ok &&= growth <= allowedGrowth(u.bytes.length);
				console.log(
					`${u.name.padEnd(34)} ${route.padEnd(12)} ${`${mb(u.bytes.length).toFixed(2)} MB`.padStart(8)} ${String(answer.status).padStart(6)}  ${rule.padEnd(22)} ${`${mb(growth).toFixed(0)} MB`.padStart(8)} ${`${mb(allowedGrowth(u.bytes.length)).toFixed(0)} MB`.padStart(8)}`
				);
			}
		}
		const health = await fetch(`${app.url}/api/health`);
		console.log(`\nserver still up: /api/health ${health.status}; goal RSS growth ≤ 4 × compressed + 200 MB → ${ok ? 'met' : 'NOT met'}`);
		const result = {
			bomb_rss_mb: Math.round(mb(worst)),
			limit_ok: ok,
			server_up: health.status === 200,
			server_rss_mb: Math.round(mb(baseline)),
			naive_rss_mb: Math.round(comparison.naiveMb),
			capped_rss_mb: Math.round(comparison.cappedMb),
			uncompressed_bomb_mb: mb(ZEROS),
			smoke,
			rules
		};
		console.log(`RESULT ${JSON.stringify(result)}`);
	} finally {
		await app.stop();
	}
}

await main();
