// Writes a synthetic city (geo/synth) into the database, one transaction per copy of the demo block,
// through the same upserts the importers use; or into GeoJSON files, one per layer. Generation is
// streamed copy by copy, so a million buildings take the memory of one copy (≈ 1,300 buildings).
import { runBulk } from '../auth/actor';
import { recordAudit } from '../audit';
import fs from 'node:fs';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { parseLayer } from '$geo/import';
import {
	buildTemplate,
	copyFeatures,
	planSynth,
	synthCopies,
	SYNTH_LAYERS,
	type SynthLayer,
	type SynthOptions,
	type SynthCopy,
	type SynthPlan,
	type SynthTemplate
} from '$geo/synth';
import type { Db } from '../db';
import { upsertBuildings } from '../layers/buildings';
import { writeWkb } from '$geo/tiles/wkb';
import { upsertCommunities, upsertGrids, upsertSubdistricts } from '../layers/hierarchy';
import { projectPath } from '../runtime/paths';
import { batches } from '../db/sql';

/** The files the template is made of: the demo's illustrative boundaries and the OSM buildings. */
export const TEMPLATE_FILES = {
	subdistricts: 'demo/nanjing/subdistricts.geojson',
	communities: 'demo/nanjing/communities.geojson',
	grids: 'demo/nanjing/grids.geojson',
	buildings: 'demo/osm/xinjiekou.osm.pbf'
} as const;

let templateCache: Promise<SynthTemplate> | undefined;

/** The demo block (read once per process; about a second for the OSM buildings). */
export function loadDemoTemplate(): Promise<SynthTemplate> {
	templateCache ??= (async () => {
		const read = (f: string) => JSON.parse(fs.readFileSync(projectPath(f), 'utf8')).features as Feature<Polygon | MultiPolygon>[];
		const buildings = await parseLayer(new Uint8Array(fs.readFileSync(projectPath(TEMPLATE_FILES.buildings))), {
			layer: 'buildings',
			crs: 'wgs84',
			fileName: TEMPLATE_FILES.buildings
		});
		return buildTemplate({
			subdistricts: read(TEMPLATE_FILES.subdistricts),
			communities: read(TEMPLATE_FILES.communities),
			grids: read(TEMPLATE_FILES.grids),
			buildings: buildings.records
		});
	})();
	return templateCache;
}

export interface SynthProgress {
	copies: number;
	grids: number;
	buildings: number;
}

export interface SynthRunOptions extends SynthOptions {
	onProgress?: (done: SynthProgress, plan: SynthPlan) => void;
	template?: SynthTemplate;
	/** Write the boundaries only and hand each copy's buildings here (the import bench writes them to a file to import). */
	buildingsTo?: (buildings: SynthCopy['buildings']) => void | Promise<void>;
}

export interface SynthSummary {
	plan: SynthPlan;
	written: SynthProgress & { subdistricts: number; communities: number };
	durationMs: number;
	/** --out: the files written. */
	files?: Record<SynthLayer, string>;
}

const SOURCE_FILE = (seed: number) => `synth:seed=${seed}`;

/** Generates and writes the city; re-running with the same sizes updates the same rows. */
export async function writeSynthCity(db: Db, options: SynthRunOptions): Promise<SynthSummary> {
	// Generated features: one audit summary row instead of one per feature.
	const summary = await runBulk('system:synth', () => writeSynthCopies(db, options));
	await recordAudit(db, { action: 'bulk_load', entity: 'bulk_load', entityId: 'synth', after: { seed: options.seed ?? 1, written: summary.written } });
	return summary;
}

async function writeSynthCopies(db: Db, options: SynthRunOptions): Promise<SynthSummary> {
	const started = Date.now();
	const template = options.template ?? (await loadDemoTemplate());
	const plan = planSynth(template, options);
	const meta = { file: SOURCE_FILE(plan.seed), illustrative: true };
	const done = { copies: 0, grids: 0, buildings: 0, subdistricts: 0, communities: 0 };
	for (const c of synthCopies(template, options)) {
		await db.transaction(async (tx) => {
			await upsertSubdistricts(
				tx,
				c.subdistricts.map((s) => ({ code: s.code, name: s.name, district_name: s.districtName ?? null, geom: JSON.stringify(s.geometry) })),
				meta
			);
			await upsertCommunities(
				tx,
				c.communities.map((x) => ({
					code: x.code,
					name: x.name,
					subdistrict_code: x.subdistrictCode,
					households: x.households,
					households_estimated: x.households !== null,
					geom: JSON.stringify(x.geometry)
				})),
				meta
			);
			await upsertGrids(
				tx,
				c.grids.map((g) => ({ code: g.code, community_code: g.communityCode, seq: g.seq, name: g.name, kind: g.kind, geom: JSON.stringify(g.geometry) })),
				meta
			);
			if (options.buildingsTo) return void (await options.buildingsTo(c.buildings));
			for (const batch of batches(c.buildings, 2000)) {
				await upsertBuildings(
					tx,
					batch.map((b) => ({
						source_id: b.sourceId,
						name: b.name ?? null,
						wkb: Buffer.from(writeWkb(b.geometry)).toString('hex'),
						footprint_m2: b.footprintM2,
						levels: b.levels ?? null,
						levels_source: b.levelsSource,
						height_m: b.heightM ?? null,
						households: b.households,
						households_estimated: true,
						households_estimate: b.households,
						community_code: b.communityCode,
						grid_code: b.gridCode
					})),
					meta.file
				);
			}
		});
		tally(done, c, options, plan);
	}
	return { plan, written: done, durationMs: Date.now() - started };
}

type Written = SynthSummary['written'];

/** Counts a copy written and reports progress. */
function tally(
	done: Written,
	c: Record<'grids' | 'buildings' | 'subdistricts' | 'communities', unknown[]>,
	options: SynthRunOptions,
	plan: SynthSummary['plan']
) {
	done.copies++;
	done.grids += c.grids.length;
	done.buildings += c.buildings.length;
	done.subdistricts += c.subdistricts.length;
	done.communities += c.communities.length;
	options.onProgress?.({ copies: done.copies, grids: done.grids, buildings: done.buildings }, plan);
}

/** `city.geojson` → city.subdistricts.geojson, city.communities.geojson, … (one importable file per layer). */
export function synthFileNames(out: string): Record<SynthLayer, string> {
	const base = out.replace(/\.geojson$/i, '');
	return Object.fromEntries(SYNTH_LAYERS.map((l) => [l, `${base}.${l}.geojson`])) as Record<SynthLayer, string>;
}

/** Streams the city into one GeoJSON FeatureCollection per layer, a feature per line. */
export async function writeSynthGeoJSON(out: string, options: SynthRunOptions): Promise<SynthSummary> {
	const started = Date.now();
	const template = options.template ?? (await loadDemoTemplate());
	const plan = planSynth(template, options);
	const files = synthFileNames(out);
	const streams = Object.fromEntries(SYNTH_LAYERS.map((l) => [l, fs.createWriteStream(files[l])])) as Record<SynthLayer, fs.WriteStream>;
	const first = Object.fromEntries(SYNTH_LAYERS.map((l) => [l, true])) as Record<SynthLayer, boolean>;
	const write = (s: fs.WriteStream, text: string) => (s.write(text) ? Promise.resolve() : new Promise<void>((resolve) => s.once('drain', () => resolve())));
	const done = { copies: 0, grids: 0, buildings: 0, subdistricts: 0, communities: 0 };
	try {
		for (const l of SYNTH_LAYERS) await write(streams[l], '{"type":"FeatureCollection","features":[\n');
		for (const c of synthCopies(template, options)) {
			const features = copyFeatures(c);
			for (const l of SYNTH_LAYERS) {
				if (features[l].length === 0) continue;
				const text = features[l].map((f) => JSON.stringify(f)).join(',\n');
				await write(streams[l], (first[l] ? '' : ',\n') + text);
				first[l] = false;
			}
			tally(done, c, options, plan);
		}
		for (const l of SYNTH_LAYERS) await write(streams[l], '\n]}\n');
	} finally {
		await Promise.all(SYNTH_LAYERS.map((l) => new Promise<void>((resolve, reject) => streams[l].end((err?: Error | null) => (err ? reject(err) : resolve())))));
	}
	return { plan, written: done, durationMs: Date.now() - started, files };
}
