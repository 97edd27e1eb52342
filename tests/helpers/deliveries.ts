// The deliveries of issue 23 part 2 (tests/fixtures/crs-xlsx) and the same data in WGS-84: the steps,
// loading them in-process, and the figures compared (coverage as `gridatlas coverage --format json`
// prints it, and the communities' household figures with their marking).
import fs from 'node:fs';
import { importFile, type ImportRequest } from '../../src/lib/server/imports';
import { runCoverage } from '../../src/cli/coverage';
import type { Db } from '../../src/lib/server/db';

export const FIX = 'tests/fixtures/crs-xlsx';
export const PBF = 'demo/osm/xinjiekou.osm.pbf';

export type Step = Pick<ImportRequest, 'layer' | 'crs' | 'sheet'> & { file: string };

/** As agencies deliver it: metres in two Gauss–Krüger variants, an Excel register, OSM. */
export const DELIVERED: Step[] = [
	{ file: `${FIX}/subdistricts-epsg4528.geojson`, layer: 'subdistricts', crs: 'EPSG:4528' },
	{ file: `${FIX}/communities-epsg4549.geojson`, layer: 'communities', crs: 'EPSG:4549' },
	{ file: PBF, layer: 'roads' },
	{ file: PBF, layer: 'buildings' },
	{ file: PBF, layer: 'facilities' },
	{ file: `${FIX}/facilities-epsg4528.csv`, layer: 'facilities', crs: 'EPSG:4528' },
	{ file: `${FIX}/registers.xlsx`, layer: 'registers' }
];

/** The same data in WGS-84 (and the register as CSV). */
export const REFERENCE: Step[] = [
	{ file: 'demo/nanjing/subdistricts.geojson', layer: 'subdistricts' },
	{ file: 'demo/nanjing/communities.geojson', layer: 'communities' },
	{ file: PBF, layer: 'roads' },
	{ file: PBF, layer: 'buildings' },
	{ file: PBF, layer: 'facilities' },
	{ file: `${FIX}/facilities-wgs84.geojson`, layer: 'facilities' },
	{ file: `${FIX}/registers.csv`, layer: 'registers' }
];

export async function load(db: Db, steps: Step[]) {
	const summaries = [];
	for (const s of steps)
		summaries.push(await importFile(db, { fileName: s.file, bytes: new Uint8Array(fs.readFileSync(s.file)), layer: s.layer, crs: s.crs, sheet: s.sheet }));
	return summaries;
}

export async function coverageJson(db: Db): Promise<unknown> {
	let text = '';
	await runCoverage(db, ['--format', 'json'], (s) => (text += s));
	return JSON.parse(text);
}

/** What the household figures are, per community, and how they are marked. */
export async function householdFigures(db: Db) {
	return db.query(
		`SELECT code, households, households_estimated, households_official, population, population_official FROM communities WHERE geom IS NOT NULL ORDER BY code`
	);
}
