// The Nanjing demo city, loaded through the ordinary importers on first start (an empty database):
// official code lists, illustrative (示意) boundaries, then the OSM extract's roads, land cover,
// buildings and facilities. Loading is one transaction per file, so an interrupted start simply loads again.
import { runBulk } from '../auth/actor';
import { recordAudit } from '../audit';
import fs from 'node:fs';
import type { CrsName, LayerName } from '$geo/types';
import type { Db } from '../db';
import { importFile, type ImportSummary } from '.';
import { projectPath } from '../runtime/paths';

interface DemoStep {
	file: string;
	layer: LayerName;
	crs?: CrsName;
	illustrative?: boolean;
}

export const DEMO_STEPS: DemoStep[] = [
	{ file: 'demo/admin-codes/nanjing-3201-subdistricts.csv', layer: 'subdistricts' },
	{ file: 'demo/admin-codes/nanjing-3201-communities.csv', layer: 'communities' },
	{ file: 'demo/nanjing/subdistricts.geojson', layer: 'subdistricts', illustrative: true },
	{ file: 'demo/nanjing/communities.geojson', layer: 'communities', illustrative: true },
	{ file: 'demo/nanjing/grids.geojson', layer: 'grids', illustrative: true },
	{ file: 'demo/osm/xinjiekou.osm.pbf', layer: 'roads' },
	{ file: 'demo/osm/xinjiekou.osm.pbf', layer: 'landcover' },
	{ file: 'demo/osm/xinjiekou.osm.pbf', layer: 'buildings' },
	{ file: 'demo/osm/xinjiekou.osm.pbf', layer: 'facilities' }
];

const DEMO_FLAG = 'demo_loaded';

/** Loads the demo when the database holds no boundaries yet (reference tables come from migrations). */
export async function loadDemoIfEmpty(db: Db, log: (msg: string) => void = () => {}): Promise<string> {
	const [flag] = await db.query<{ value: unknown }>('SELECT value FROM app_settings WHERE key = $1', [DEMO_FLAG]);
	if (flag) return 'already-loaded';
	const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM communities WHERE geom IS NOT NULL');
	if (n > 0) return 'skipped: the database already has community boundaries';
	const summaries = await loadDemo(db, log);
	await db.query(`INSERT INTO app_settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
		DEMO_FLAG,
		JSON.stringify({ at: new Date().toISOString(), files: summaries.map((s) => [s.fileName, s.layer, s.written]) })
	]);
	return 'loaded';
}

export async function loadDemo(db: Db, log: (msg: string) => void = () => {}): Promise<ImportSummary[]> {
	// One audit summary for the whole demo, not one row per generated feature.
	const summaries = await runBulk('system:demo', () => importDemoFiles(db, log));
	await recordAudit(db, {
		action: 'bulk_load',
		entity: 'bulk_load',
		entityId: 'demo',
		after: { files: summaries.map((s) => [s.fileName, s.layer, s.written]) }
	});
	return summaries;
}

async function importDemoFiles(db: Db, log: (msg: string) => void): Promise<ImportSummary[]> {
	const summaries: ImportSummary[] = [];
	for (const [i, step] of DEMO_STEPS.entries()) {
		const at = `${i + 1}/${DEMO_STEPS.length} (${Math.round((i / DEMO_STEPS.length) * 100)}%)`;
		log(`loading the demo city ${at}: ${step.file} → ${step.layer}`);
		const started = performance.now();
		const bytes = new Uint8Array(fs.readFileSync(projectPath(step.file)));
		const summary = await importFile(db, {
			fileName: step.file,
			bytes,
			layer: step.layer,
			crs: step.crs ?? 'wgs84',
			illustrative: step.illustrative
		});
		log(`${step.file} → ${step.layer}: ${summary.written} written, ${summary.rejected} rejected (${Math.round(performance.now() - started)} ms)`);
		summaries.push(summary);
	}
	return summaries;
}
