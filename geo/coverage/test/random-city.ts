// Random cities for the coverage tests: buildings scattered over a box in a grid of units, and random
// facilities (points, multipoints, lines, polygons with holes, multipolygons). Test code only.
import type { Geometry } from 'geojson';
import type { BuildingSet, CoverageFacility } from '../index';
import { mulberry32, type Random } from '../../synth/prng';

export function randomFacility(rng: Random, id: string, category: string, box: [number, number, number, number]): CoverageFacility {
	const x = box[0] + rng() * (box[2] - box[0]),
		y = box[1] + rng() * (box[3] - box[1]);
	const kind = rng();
	let geometry: Geometry;
	if (kind < 0.6) geometry = { type: 'Point', coordinates: [x, y] };
	else if (kind < 0.7)
		geometry = {
			type: 'MultiPoint',
			coordinates: [
				[x, y],
				[x + 0.002, y - 0.001]
			]
		};
	else if (kind < 0.75)
		geometry = {
			type: 'LineString',
			coordinates: [
				[x, y],
				[x + 0.004 * rng(), y + 0.003 * rng()],
				[x + 0.006 * rng(), y - 0.002]
			]
		};
	else if (kind < 0.8) {
		// a large polygon (more than SMALL_POLYGON_EDGES edges: edges indexed one by one) with a hole
		const ring = (r: number) => {
			const c = Array.from({ length: 40 }, (_, k) => [
				x + r * Math.cos((k / 40) * 2 * Math.PI) * (1 + 0.2 * Math.sin(k)),
				y + r * 0.8 * Math.sin((k / 40) * 2 * Math.PI)
			]);
			return [...c, c[0]];
		};
		geometry = { type: 'Polygon', coordinates: [ring(0.002 + 0.004 * rng()), ring(0.0008).reverse()] };
	} else {
		const w = 0.0005 + rng() * 0.003,
			h = 0.0005 + rng() * 0.002;
		const outer = [
			[x, y],
			[x + w, y],
			[x + w * 0.8, y + h],
			[x + w * 0.1, y + h * 1.1],
			[x, y]
		];
		const hole = [
			[x + w * 0.3, y + h * 0.3],
			[x + w * 0.3, y + h * 0.6],
			[x + w * 0.6, y + h * 0.6],
			[x + w * 0.6, y + h * 0.3],
			[x + w * 0.3, y + h * 0.3]
		];
		geometry =
			kind < 0.9 ? { type: 'Polygon', coordinates: [outer, hole] } : { type: 'MultiPolygon', coordinates: [[outer], [outer.map(([a, b]) => [a + 0.01, b])]] };
	}
	return { id, category, geometry };
}

export function randomCity(seed: number, n: number, units: number) {
	const rng = mulberry32(seed);
	const box: [number, number, number, number] = [118.7, 32.0, 118.78, 32.06];
	const lon = new Float64Array(n),
		lat = new Float64Array(n),
		households = new Float64Array(n);
	const unitOf = new Int32Array(n);
	const cols = Math.ceil(Math.sqrt(units));
	for (let i = 0; i < n; i++) {
		lon[i] = box[0] + rng() * (box[2] - box[0]);
		lat[i] = box[1] + rng() * (box[3] - box[1]);
		households[i] = Math.floor(rng() * 60);
		const c = Math.min(cols - 1, Math.floor(((lon[i] - box[0]) / (box[2] - box[0])) * cols));
		const r = Math.floor(((lat[i] - box[1]) / (box[3] - box[1])) * cols);
		unitOf[i] = Math.min(units - 1, r * cols + c);
	}
	const buildings: BuildingSet = { ids: Array.from({ length: n }, (_, i) => `b${i}`), lon, lat, households };
	return { rng, box, buildings, unitOf };
}
