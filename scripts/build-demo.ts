// Builds the ILLUSTRATIVE (示意) subdistrict, community and grid boundaries of the bundled demo city
// (central Nanjing, 新街口) from the OpenStreetMap extract and the official code lists.
// These are NOT official boundaries: no official community polygons are published. The procedure is
// documented step by step in demo/nanjing/README.md.
//
//   npx tsx scripts/build-demo.ts          writes demo/nanjing/{subdistricts,communities,grids}.geojson
//   npx tsx scripts/build-demo.ts --check  builds and compares with the committed files, writes nothing
//
// Deterministic: the same inputs give byte-identical outputs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvParse } from 'd3-dsv';
import { area as turfArea, bbox as turfBbox, booleanPointInPolygon, centroid as turfCentroid, featureCollection, intersect } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiLineString, Polygon, Position } from 'geojson';
import { osmElementsToGeoJSON, parseOsmXml, type OsmNode, type OsmRelation, type OsmWay } from '$geo/osm/index';
import { estimateHouseholds } from '$geo/households/index';
import { communityShortName, gridName } from '$geo/partition/names';
import { toWgs84 } from '$geo/crs/index';
import { bisectPolygon, expandBBox, orderWestToEastNorthToSouth, roundGeometry, splitByLine, type Areal, type WeightedPoint } from '$geo/partition/index';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_PATHS = {
	osm: path.join(ROOT, 'demo/osm/xinjiekou.osm'),
	subdistrictCodes: path.join(ROOT, 'demo/admin-codes/nanjing-3201-subdistricts.csv'),
	communityCodes: path.join(ROOT, 'demo/admin-codes/nanjing-3201-communities.csv'),
	districtOutlinesGcj02: path.join(ROOT, 'demo/admin-codes/nanjing-districts-gcj02.geojson'),
	outDir: path.join(ROOT, 'demo/nanjing')
};

/** Parameters of the procedure (see demo/nanjing/README.md). */
export const DEMO_PARAMS = {
	/** The demo area is the bbox of the buildings grown by this margin. */
	areaMarginM: 100,
	/** A community keeps at least this many buildings: N = min(communities in the list, ⌊buildings / 40⌋). */
	minBuildingsPerCommunity: 40,
	/** Households per grid: the number of grids is chosen so the mean falls in this band (target 400). */
	gridHouseholds: { min: 300, target: 400, max: 500 },
	/** Road classes that may bound communities; grids may also follow every other road. */
	communityRoads: ['trunk', 'primary', 'secondary', 'tertiary'],
	gridRoads: ['trunk', 'primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'living_street', 'pedestrian', 'service'],
	decimals: 7
	// Households per building come from geo/households (non-residential types count none).
};

/**
 * The district boundaries inside the demo area, from the admin_level=6 boundary relations: the ways
 * shared by 秦淮区 and the two others run east–west (汉中路–中山东路); the way shared by 鼓楼区 and
 * 玄武区 runs north from the 新街口 roundabout (中山路).
 */
const DISTRICTS = { xuanwu: { code: '320102', name: '玄武区' }, qinhuai: { code: '320104', name: '秦淮区' }, gulou: { code: '320106', name: '鼓楼区' } };

/**
 * Which real subdistrict each district part goes to (an illustrative assignment, from the subdistricts'
 * published extents around 新街口): a district part is split along the named roads, west to east.
 */
export const SUBDISTRICT_PLAN: { district: keyof typeof DISTRICTS; splitAlong: string[]; subdistricts: string[] }[] = [
	{ district: 'gulou', splitAlong: [], subdistricts: ['320106002'] }, // 华侨路街道
	{ district: 'xuanwu', splitAlong: ['太平北路'], subdistricts: ['320102003', '320102002'] }, // 新街口街道 | 梅园新村街道
	{ district: 'qinhuai', splitAlong: ['中山南路', '太平南路'], subdistricts: ['320104012', '320104007', '320104006'] } // 朝天宫街道 | 洪武路街道 | 五老村街道
];

export interface DemoBuilding {
	id: string;
	centroid: Position;
	footprintM2: number;
	households: number;
}

interface CodeRow {
	code: string;
	name: string;
	parent: string;
	parentName: string;
	districtCode: string;
	districtName: string;
}

function readCodes(file: string, codeCol: string, nameCol: string, parentCol: string, parentNameCol: string): CodeRow[] {
	return csvParse(fs.readFileSync(file, 'utf8')).map((r) => ({
		code: r[codeCol]!,
		name: r[nameCol]!,
		parent: r[parentCol]!,
		parentName: r[parentNameCol]!,
		districtCode: r.area_code!,
		districtName: r.area_name!
	}));
}

export function readSubdistrictCodes(): CodeRow[] {
	return readCodes(DEMO_PATHS.subdistrictCodes, 'street_code', 'street_name', 'area_code', 'area_name');
}

export function readCommunityCodes(): CodeRow[] {
	return readCodes(DEMO_PATHS.communityCodes, 'village_code', 'village_name', 'street_code', 'street_name');
}

/** "香铺营社区居委会" → "香铺营". */
let osmCache: { fc: FeatureCollection; bytes: Uint8Array } | null = null;
export function readDemoOsm(): { fc: FeatureCollection; bytes: Uint8Array } {
	if (!osmCache) {
		const bytes = new Uint8Array(fs.readFileSync(DEMO_PATHS.osm));
		osmCache = { bytes, fc: osmElementsToGeoJSON(parseOsmXml(new TextDecoder().decode(bytes))) };
	}
	return osmCache;
}

/** The demo buildings: OSM features tagged building (not "no") with a polygon footprint. */
export function demoBuildings(fc: FeatureCollection = readDemoOsm().fc): DemoBuilding[] {
	const out: DemoBuilding[] = [];
	for (const f of fc.features) {
		const p = (f.properties ?? {}) as Record<string, string>;
		if (!p.building || p.building === 'no') continue;
		if (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon') continue;
		const footprintM2 = turfArea(f);
		const households = estimateHouseholds({ footprintM2, levels: p['building:levels'], heightM: p.height, buildingType: p.building }).households;
		out.push({ id: p['@id'], centroid: turfCentroid(f).geometry.coordinates, footprintM2, households });
	}
	return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Demo area: the bbox of the building centroids and footprints, grown by areaMarginM. */
export function demoArea(fc: FeatureCollection = readDemoOsm().fc): Feature<Polygon> {
	const buildings = fc.features.filter(
		(f) => f.properties?.building && f.properties.building !== 'no' && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')
	);
	const b = expandBBox(turfBbox(featureCollection(buildings)), DEMO_PARAMS.areaMarginM);
	const f = 10 ** DEMO_PARAMS.decimals;
	const [w, s, e, n] = b.map((v, i) => (i < 2 ? Math.floor(v * f) : Math.ceil(v * f)) / f);
	return {
		type: 'Feature',
		properties: {},
		geometry: {
			type: 'Polygon',
			coordinates: [
				[
					[w, s],
					[e, s],
					[e, n],
					[w, n],
					[w, s]
				]
			]
		}
	};
}

function boundaryLines(bytes: Uint8Array): { ew: Feature<MultiLineString>; ns: Feature<MultiLineString> } {
	const elements = parseOsmXml(new TextDecoder().decode(bytes));
	const nodes = new Map<number, OsmNode>();
	const ways = new Map<number, OsmWay>();
	const rels: OsmRelation[] = [];
	for (const e of elements) {
		if (e.type === 'node') nodes.set(e.id, e);
		else if (e.type === 'way') ways.set(e.id, e);
		else if (e.tags?.boundary === 'administrative' && e.tags.admin_level === '6') rels.push(e);
	}
	const relOf = (name: string) => {
		const r = rels.find((x) => x.tags?.name === name);
		if (!r) throw new Error(`boundary relation ${name} missing from the OSM extract`);
		return new Set(r.members.filter((m) => m.type === 'way').map((m) => m.ref));
	};
	const q = relOf(DISTRICTS.qinhuai.name);
	const g = relOf(DISTRICTS.gulou.name);
	const x = relOf(DISTRICTS.xuanwu.name);
	const lines = (ids: number[], name: string): Feature<MultiLineString> => ({
		type: 'Feature',
		properties: { name },
		geometry: {
			type: 'MultiLineString',
			coordinates: ids
				.sort((a, b) => a - b)
				.map((id) =>
					ways
						.get(id)!
						.nodes.map((n) => nodes.get(n))
						.filter((n): n is OsmNode => !!n)
						.map((n) => [n.lon, n.lat])
				)
				.filter((l) => l.length >= 2)
		}
	});
	const present = (s: Set<number>) => [...s].filter((id) => ways.has(id));
	return {
		ew: lines(
			present(q).filter((id) => g.has(id) || x.has(id)),
			'秦淮区 boundary'
		),
		ns: lines(
			present(g).filter((id) => x.has(id)),
			'鼓楼区|玄武区 boundary'
		)
	};
}

/** Roads grouped by name (one MultiLineString per name); unnamed ways stay single lines. */
function roadLines(fc: FeatureCollection, classes: string[]): Feature<MultiLineString>[] {
	const byName = new Map<string, Position[][]>();
	for (const f of fc.features) {
		const p = (f.properties ?? {}) as Record<string, string>;
		if (!classes.includes(p.highway) || f.geometry.type !== 'LineString') continue;
		const key = p.name ?? p['@id'];
		byName.set(key, [...(byName.get(key) ?? []), f.geometry.coordinates]);
	}
	return [...byName.entries()]
		.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
		.map(([name, coordinates]) => ({ type: 'Feature', properties: { name }, geometry: { type: 'MultiLineString', coordinates } }));
}

function namedRoad(fc: FeatureCollection, name: string): Feature<MultiLineString> {
	const r = roadLines(fc, DEMO_PARAMS.gridRoads).find((l) => l.properties?.name === name);
	if (!r) throw new Error(`road ${name} not found in the OSM extract`);
	return r;
}

function mustSplit(area: Feature<Areal>, line: Feature<LineString | MultiLineString>, axis: 'x' | 'y') {
	const { low, high } = splitByLine(area, line, axis);
	if (!low || !high) throw new Error(`${String(line.properties?.name)} does not split the area`);
	return { low, high };
}

/** Share of `piece` inside each GCJ-02 district outline converted to WGS-84 (an independent check). */
function districtOverlap(piece: Feature<Areal>, outlines: FeatureCollection): Record<string, number> {
	const a = turfArea(piece);
	const out: Record<string, number> = {};
	for (const o of outlines.features) {
		const x = intersect(featureCollection<Areal>([piece, o as Feature<Areal>]));
		if (x) out[String(o.properties?.name)] = turfArea(x) / a;
	}
	return out;
}

function pointsIn(geom: Areal, buildings: DemoBuilding[]): DemoBuilding[] {
	return buildings.filter((b) => booleanPointInPolygon(b.centroid, geom));
}

function weighted(buildings: DemoBuilding[]): WeightedPoint[] {
	return buildings.map((b) => ({ coordinates: b.centroid, weight: b.households, id: b.id }));
}

/** Number of grids for a community: mean households per grid within the band, closest to the target. */
export function gridCount(households: number, buildings: number): number {
	const { min, target, max } = DEMO_PARAMS.gridHouseholds;
	const lo = Math.max(1, Math.ceil(households / max));
	const hi = Math.floor(households / min);
	const n = lo <= hi ? Math.min(hi, Math.max(lo, Math.round(households / target))) : lo;
	return Math.max(1, Math.min(n, buildings));
}

/**
 * Real community names for the parts of one subdistrict. A community whose name appears in an OSM
 * feature inside the subdistrict (its namesake street, market or school: 长江路, 香铺营集贸市场…) goes
 * to the part holding most of that feature's vertices (namesake anchor); the other parts take the
 * remaining communities in code order, parts in west→east, north→south order.
 */
function assignCommunities(
	parts: Feature<Areal>[],
	communities: CodeRow[],
	subdistrict: Feature<Areal>,
	fc: FeatureCollection
): { part: Feature<Areal>; community: CodeRow; anchor: boolean }[] {
	const votes: { c: number; p: number; v: number }[] = [];
	communities.forEach((community, c) => {
		const short = communityShortName(community.name);
		if (short.length < 2) return;
		const count = new Array(parts.length).fill(0);
		for (const f of fc.features) {
			const name = (f.properties as Record<string, string> | null)?.name;
			if (!name || !name.includes(short)) continue;
			const coords: Position[] = [];
			JSON.stringify(f.geometry.type === 'Point' ? [f.geometry.coordinates] : (f.geometry as Polygon).coordinates).replace(
				/\[(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)\]/g,
				(_m, x, y) => (coords.push([Number(x), Number(y)]), '')
			);
			for (const pt of coords) {
				if (!booleanPointInPolygon(pt, subdistrict)) continue;
				const i = parts.findIndex((p) => booleanPointInPolygon(pt, p));
				if (i >= 0) count[i] += 1;
			}
		}
		count.forEach((v, p) => v > 0 && votes.push({ c, p, v }));
	});
	votes.sort((a, b) => b.v - a.v || a.c - b.c || a.p - b.p);
	const partOf = new Map<number, number>();
	const usedParts = new Set<number>();
	for (const { c, p } of votes) {
		if (partOf.has(c) || usedParts.has(p)) continue;
		partOf.set(c, p);
		usedParts.add(p);
	}
	const rest = communities.map((_, c) => c).filter((c) => !partOf.has(c));
	const out: { part: Feature<Areal>; community: CodeRow; anchor: boolean }[] = [];
	parts.forEach((part, p) => {
		const anchored = [...partOf.entries()].find(([, q]) => q === p);
		if (anchored) out.push({ part, community: communities[anchored[0]], anchor: true });
		else out.push({ part, community: communities[rest.shift()!], anchor: false });
	});
	return out;
}

export interface DemoBuild {
	subdistricts: FeatureCollection;
	communities: FeatureCollection;
	grids: FeatureCollection;
	log: string[];
}

export function buildDemo(): DemoBuild {
	const log: string[] = [];
	const { fc, bytes } = readDemoOsm();
	const buildings = demoBuildings(fc);
	const area = demoArea(fc);
	const subCodes = new Map(readSubdistrictCodes().map((r) => [r.code, r]));
	const communityCodes = readCommunityCodes();
	const r = (g: Areal) => roundGeometry(g, DEMO_PARAMS.decimals);
	log.push(`demo area ${turfBbox(area).join(', ')} (${(turfArea(area) / 1e6).toFixed(2)} km²), ${buildings.length} buildings`);

	// 1. Districts: cut the demo area along the OSM district boundary ways.
	const { ew, ns } = boundaryLines(bytes);
	const s1 = mustSplit(area, ew, 'y');
	const s2 = mustSplit(s1.high, ns, 'x');
	const districtParts = { qinhuai: s1.low, gulou: s2.low, xuanwu: s2.high };
	const outlines = toWgs84(JSON.parse(fs.readFileSync(DEMO_PATHS.districtOutlinesGcj02, 'utf8')) as FeatureCollection, 'gcj02');
	for (const [key, piece] of Object.entries(districtParts)) {
		const d = DISTRICTS[key as keyof typeof DISTRICTS];
		const overlap = districtOverlap(piece, outlines);
		const share = overlap[d.name] ?? 0;
		log.push(`district ${d.name}: ${(turfArea(piece) / 1e6).toFixed(3)} km², ${(share * 100).toFixed(1)}% inside its GCJ-02 outline`);
		if (share < 0.8) throw new Error(`district part ${d.name} lies only ${(share * 100).toFixed(0)}% inside its official outline`);
	}

	// 2. Subdistricts: split each district part along the named roads, west to east.
	const subdistrictFeatures: Feature<Areal>[] = [];
	const subdistrictGeoms = new Map<string, Feature<Areal>>();
	for (const plan of SUBDISTRICT_PLAN) {
		let rest: Feature<Areal> = districtParts[plan.district];
		const pieces: Feature<Areal>[] = [];
		for (const road of plan.splitAlong) {
			const { low, high } = mustSplit(rest, namedRoad(fc, road), 'x');
			pieces.push(low);
			rest = high;
		}
		pieces.push(rest);
		pieces.forEach((piece, i) => {
			const row = subCodes.get(plan.subdistricts[i]);
			if (!row) throw new Error(`subdistrict ${plan.subdistricts[i]} not in the code list`);
			const geometry = r(piece.geometry);
			subdistrictGeoms.set(row.code, { type: 'Feature', properties: {}, geometry });
			subdistrictFeatures.push({
				type: 'Feature',
				properties: { code: row.code, name: row.name, district_code: row.parent, district_name: row.parentName, illustrative: true },
				geometry
			});
		});
	}
	subdistrictFeatures.sort((a, b) => (a.properties!.code < b.properties!.code ? -1 : 1));

	// 3. Communities and 4. grids.
	const majorRoads = roadLines(fc, DEMO_PARAMS.communityRoads);
	const allRoads = roadLines(fc, DEMO_PARAMS.gridRoads);
	const communityFeatures: Feature<Areal>[] = [];
	const gridFeatures: Feature<Areal>[] = [];
	const assigned = new Set<string>();
	for (const sub of subdistrictFeatures) {
		const code = sub.properties!.code as string;
		const subGeom = subdistrictGeoms.get(code)!;
		const list = communityCodes.filter((c) => c.parent === code).sort((a, b) => (a.code < b.code ? -1 : 1));
		const inSub = pointsIn(subGeom.geometry, buildings).filter((b) => !assigned.has(b.id));
		const n = Math.min(list.length, Math.max(1, Math.floor(inSub.length / DEMO_PARAMS.minBuildingsPerCommunity)));
		// Communities balance building counts (estimated households are dominated by a few office towers).
		const parts = bisectPolygon(
			subGeom,
			weighted(inSub).map((p) => ({ ...p, weight: 1 })),
			n,
			{ cutLines: majorRoads }
		);
		const named = assignCommunities(parts, list, subGeom, fc);
		log.push(
			`${sub.properties!.name} ${code}: ${inSub.length} buildings, ${n} of ${list.length} communities` +
				` (namesake anchors: ${
					named
						.filter((x) => x.anchor)
						.map((x) => communityShortName(x.community.name))
						.join('、') || 'none'
				})`
		);
		for (const { part, community } of named.sort((a, b) => (a.community.code < b.community.code ? -1 : 1))) {
			const geometry = r(part.geometry);
			communityFeatures.push({
				type: 'Feature',
				properties: { code: community.code, name: community.name, subdistrict_code: code, illustrative: true },
				geometry
			});
			const inCommunity = pointsIn(geometry, inSub).filter((b) => !assigned.has(b.id));
			const households = inCommunity.reduce((s, b) => s + b.households, 0);
			const grids = bisectPolygon({ type: 'Feature', properties: {}, geometry }, weighted(inCommunity), gridCount(households, inCommunity.length), {
				cutLines: allRoads
			});
			const ordered = orderWestToEastNorthToSouth(grids.map((g) => ({ ...g, geometry: r(g.geometry) })));
			ordered.forEach((g, i) => {
				const seq = String(i + 1).padStart(3, '0');
				gridFeatures.push({
					type: 'Feature',
					properties: {
						code: community.code + seq,
						name: gridName(community.name, community.code + seq),
						kind: 'basic',
						community_code: community.code,
						illustrative: true
					},
					geometry: g.geometry
				});
			});
			for (const b of inCommunity) assigned.add(b.id);
		}
	}
	if (assigned.size !== buildings.length) log.push(`WARNING: ${buildings.length - assigned.size} buildings fell in no community`);

	// Summary of grids.
	const perGrid = gridFeatures.map((g) => pointsIn(g.geometry as Areal, buildings));
	const stats = (xs: number[]) => {
		const s = [...xs].sort((a, b) => a - b);
		return `min ${s[0]}, median ${s[Math.floor(s.length / 2)]}, max ${s[s.length - 1]}`;
	};
	log.push(`${subdistrictFeatures.length} subdistricts, ${communityFeatures.length} communities, ${gridFeatures.length} grids`);
	log.push(`buildings per grid: ${stats(perGrid.map((b) => b.length))}`);
	log.push(`estimated households per grid: ${stats(perGrid.map((b) => b.reduce((s, x) => s + x.households, 0)))}`);
	const communityBuildings = communityFeatures.map((c) => pointsIn(c.geometry as Areal, buildings).length);
	log.push(`buildings per community: ${stats(communityBuildings)}`);
	log.push(
		`communities per subdistrict: ${subdistrictFeatures.map((s) => `${s.properties!.name} ${communityFeatures.filter((c) => c.properties!.subdistrict_code === s.properties!.code).length}`).join(', ')}`
	);

	const fcOf = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });
	return { subdistricts: fcOf(subdistrictFeatures), communities: fcOf(communityFeatures), grids: fcOf(gridFeatures), log };
}

/** Serialise a FeatureCollection one feature per line (stable, diff-friendly). */
export function serialise(fc: FeatureCollection): string {
	return `{"type":"FeatureCollection","features":[\n${fc.features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}

function main(): void {
	const check = process.argv.includes('--check');
	const t0 = Date.now();
	const built = buildDemo();
	for (const line of built.log) console.log(line);
	let stale = 0;
	for (const layer of ['subdistricts', 'communities', 'grids'] as const) {
		const file = path.join(DEMO_PATHS.outDir, `${layer}.geojson`);
		const text = serialise(built[layer]);
		if (check) {
			const same = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text;
			if (!same) stale += 1;
			console.log(`${path.relative(ROOT, file)}: ${same ? 'up to date' : 'DIFFERS'}`);
		} else {
			fs.mkdirSync(DEMO_PATHS.outDir, { recursive: true });
			fs.writeFileSync(file, text);
			console.log(`wrote ${path.relative(ROOT, file)} (${built[layer].features.length} features)`);
		}
	}
	console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	if (stale) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
