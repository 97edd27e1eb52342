// Fuzzing the case ingest (POST /api/cases): seeded, malformed JSON case batches — bare lists, {cases},
// FeatureCollections, single items — with bad ids, times, places and texts. Each batch must either be
// answered (each rejected item explained, 中文 / English) or refused with a typed, bilingual error, and
// a refused batch must leave every table as it was (tests/helpers/fuzz/judge.ts).
// Settings (seed, scale, trace): tests/helpers/fuzz/city.ts.
import { appendFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { mulberry32, type Random } from '$geo/synth/prng';
import { COUNT, ONLY, SEED, TRACE } from '../helpers/fuzz/city';
import { bigString, chance, clean, CRS, expandPlaceholders, int, junk, mutateTree, pick, timestamp } from '../helpers/fuzz/values';
import { enc, mangle } from '../helpers/fuzz/bytes';
import { failureList } from '../helpers/fuzz/judge';
import { describeFuzz, printSlowest } from '../helpers/fuzz/run';

/** A JSON request body for POST /api/cases, as text (the route parses it), damaged in many ways. */
function generateCaseBody(r: Random, n: number): { text: string; label: string } {
	const item = (i: number): Record<string, unknown> => {
		const [lon, lat] = clean(r);
		const base: Record<string, unknown> = {
			id: chance(r, 0.9) ? `api-${int(r, 0, 150)}` : junk(r),
			category: pick(r, ['environment', 'dispute', '环境卫生', '纠纷', 'SAFETY_HAZARD', 'bogus', '', 'other']),
			lon: chance(r, 0.9) ? lon : junk(r),
			lat: chance(r, 0.9) ? lat : junk(r),
			reported_at: pick(r, [
				timestamp(r),
				timestamp(r),
				Date.now() - 3600_000,
				1e20,
				-8.64e15,
				8.64e15,
				253402300800000,
				'2024-02-30',
				'2024-05-01T10:00:00+99:99',
				'1900-01-01',
				'0999-01-01',
				'soon',
				'',
				junk(r)
			]),
			status: pick(r, ['reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated', 'REPORTED', junk(r), undefined])
		};
		if (chance(r, 0.3)) base.escalation_level = pick(r, ['grid', 'community', 'subdistrict', 'city', junk(r)]);
		if (chance(r, 0.3)) base.description = pick(r, ['楼道堆物', bigString(r, 3990, 4010), '<script>alert(1)</script>', 'a\u0000b', '\ud800', junk(r)]);
		if (chance(r, 0.2)) base.source = pick(r, ['12345', 'x'.repeat(65), junk(r)]);
		if (chance(r, 0.2)) base.due_at = pick(r, [timestamp(r), null, 1e20, 'never', junk(r)]);
		if (chance(r, 0.2)) base.status_at = pick(r, [timestamp(r), -1e16, 'later', junk(r)]);
		for (let k = chance(r, 0.5) ? int(r, 1, 3) : 0; k > 0; k--) mutateTree(r, base);
		if (chance(r, 0.25)) {
			const { lon: x, lat: y, ...props } = base;
			return {
				type: 'Feature',
				id: chance(r, 0.2) ? i : undefined,
				properties: chance(r, 0.95) ? props : junk(r),
				geometry: chance(r, 0.85) ? { type: 'Point', coordinates: [x, y] } : junk(r)
			};
		}
		return base;
	};
	const size = chance(r, 0.008) ? int(r, 4990, 5100) : int(r, 1, 25);
	const items = Array.from({ length: size }, (_, i) => item(i));
	let body: unknown;
	switch (int(r, 0, 9)) {
		case 0:
			body = { cases: items, crs: pick(r, ['wgs84', 'gcj02', 'BD09', 'epsg:3857', 5, { type: 'name', properties: { name: 'EPSG:4326' } }, null]) };
			break;
		case 1:
			body = { type: 'FeatureCollection', features: chance(r, 0.9) ? items : junk(r) };
			break;
		case 2:
			body = items[0];
			break;
		case 3:
			body = junk(r);
			break;
		default:
			body = items;
	}
	if (chance(r, 0.1)) body = mutateTree(r, body);
	let text = expandPlaceholders(JSON.stringify(body) ?? 'null');
	if (chance(r, 0.1)) text = new TextDecoder().decode(mangle(r, enc.encode(text)));
	return { text, label: `case batch #${n} (${size} items, ${text.length} chars)` };
}

describeFuzz('the case ingest', ({ engine, every, ingestOne }) => {
	it(`case ingest: ${COUNT.cases} malformed JSON batches`, async () => {
		const r = mulberry32(SEED ^ 0xca5e);
		const failures = failureList();
		const outcomes = { answered: 0, refused: 0, unparsable: 0 };
		const slowest: [number, string][] = [];
		for (let n = 0; n < COUNT.cases; n++) {
			const { text, label } = generateCaseBody(r, n);
			const crs = pick(r, CRS);
			if (n % every !== 0 || (ONLY !== undefined && n !== ONLY)) continue;
			let body: unknown;
			try {
				body = JSON.parse(text);
			} catch {
				outcomes.unparsable++; // the route answers 400 before ingest sees it
				continue;
			}
			if (TRACE) {
				appendFileSync(TRACE, `${label} ${Date.now()}\n`);
				writeFileSync(`${TRACE}.input`, text);
			}
			const t = performance.now();
			const outcome = await ingestOne(body, label, failures, crs);
			slowest.push([performance.now() - t, label]);
			outcomes[outcome.ok ? 'answered' : 'refused']++;
		}
		console.log(
			`${engine} cases: ${outcomes.answered + outcomes.refused} batches ingested (${outcomes.answered} answered, ${outcomes.refused} refused), ${outcomes.unparsable} not JSON`
		);
		printSlowest(slowest);
		expect(failures.slice(0, 25), `${failures.length} failures (seed ${SEED})`).toEqual([]);
	}, 240_000);
});
