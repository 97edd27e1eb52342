// Issue 23, part 1: every reference table the app needs is seeded by migrations, on an empty
// database of each engine — no demo — so an OSM facilities import writes facilities; and a
// non-empty OSM file in which the mapping finds no facility is refused with the reason and the
// command that adds a mapping.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { importFile } from '../src/lib/server/imports';
import { addTagMapping, loadTagMapping, removeTagMapping, TagMappingError } from '../src/lib/server/layers/facilities';
import { DEFAULT_TAG_MAPPING } from '$geo/osm/tag-mapping';
import { ImportFileError } from '$geo/types';
import { WALK_SPEED_M_PER_MIN } from '$geo/network/speed';
import { testEngines } from './helpers/engines';

const osmXml = (nodes: Record<string, string>[]) =>
	new TextEncoder().encode(
		`<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n` +
			nodes
				.map(
					(tags, i) =>
						`<node id="${i + 1}" lat="${32.04 + i * 1e-4}" lon="${118.78 + i * 1e-4}">${Object.entries(tags)
							.map(([k, v]) => `<tag k="${k}" v="${v}"/>`)
							.join('')}</node>`
				)
				.join('\n') +
			'\n</osm>\n'
	);

const parkingFile = osmXml([
	...Array.from({ length: 5 }, () => ({ amenity: 'parking' })),
	...Array.from({ length: 2 }, () => ({ shop: 'clothes' })),
	{ name: 'no point-of-interest tag' }
]);

for (const engine of testEngines()) {
	describe(`reference tables on an empty ${engine.name} database`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
		}, 120_000);
		afterAll(() => engine.cleanup());

		const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

		it('holds the tag mapping (the defaults, in order), categories, case categories and the rule catalogue', async () => {
			expect(await count('subdistricts')).toBe(0);
			expect(await loadTagMapping(db)).toEqual(DEFAULT_TAG_MAPPING);
			expect(await count('facility_categories')).toBeGreaterThanOrEqual(22);
			expect(await count('case_categories')).toBeGreaterThan(5);
			expect(await count('coverage_rules')).toBeGreaterThan(20);
		});

		it('seeds the 15-minute rules with the one walking-speed default', async () => {
			const speeds = await db.query<{ s: number }>('SELECT DISTINCT walk_speed_m_per_min AS s FROM coverage_rules WHERE max_minutes IS NOT NULL');
			expect(speeds).toEqual([{ s: WALK_SPEED_M_PER_MIN }]);
		});

		it('imports the demo extract’s facilities with no demo loaded', async () => {
			const bytes = new Uint8Array(fs.readFileSync('demo/osm/xinjiekou.osm.pbf'));
			const summary = await importFile(db, { fileName: 'xinjiekou.osm.pbf', bytes, layer: 'facilities' });
			expect(summary.written).toBeGreaterThan(100);
			expect(summary.written).toBe(await count('facilities'));
		}, 120_000);

		it('refuses a file the mapping finds no facility in, naming the most frequent unmapped tags and the command', async () => {
			const err = await importFile(db, { fileName: 'parking.osm', bytes: parkingFile, layer: 'facilities' }).catch((e) => e);
			expect(err).toBeInstanceOf(ImportFileError);
			expect(err.rule).toBe('no-facility-matched');
			expect(err.message).toContain('amenity=parking (5), shop=clothes (2)');
			expect(err.message).toContain('npx gridatlas mapping add amenity=parking <category>');
			expect(err.message).toMatch(/没有一个是设施.*none is a facility/s);
		});

		it('imports the same file once a mapping takes its tag', async () => {
			await expect(addTagMapping(db, { key: 'amenity', value: 'parking', category: 'no_such' })).rejects.toBeInstanceOf(TagMappingError);
			const row = await addTagMapping(db, { key: 'amenity', value: 'parking', category: 'plaza' });
			expect(row.priority).toBe(DEFAULT_TAG_MAPPING.length); // after every default
			const summary = await importFile(db, { fileName: 'parking.osm', bytes: parkingFile, layer: 'facilities' });
			expect(summary.written).toBe(5);
			expect(await removeTagMapping(db, 'amenity', 'parking')).toBe(true);
		});

		it('says so when the mapping is empty', async () => {
			await db.query('DELETE FROM facility_tag_mappings');
			const err = await importFile(db, { fileName: 'parking.osm', bytes: parkingFile, layer: 'facilities' }).catch((e) => e);
			expect(err).toBeInstanceOf(ImportFileError);
			expect(err.message).toContain('facility tag mapping is empty');
		});
	});
}
