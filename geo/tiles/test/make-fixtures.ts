// Writes geo/tiles/test/in/*.geojson: shapes drawn in tile pixels of one z16 tile over Nanjing and
// converted to WGS-84, so each fixture says plainly which case of clipping/quantisation it covers.
// Run: npx tsx geo/tiles/test/make-fixtures.ts (the outputs in test/out are written by the test).
import fs from 'node:fs';
import path from 'node:path';
import { mercatorToLonLat, tileEnvelope, type TileCoord } from '../tile-math';

export const FIXTURE_TILE: TileCoord = { z: 16, x: 54393, y: 26605 };
const e = tileEnvelope(FIXTURE_TILE);
const px = (x: number, y: number) => {
	const [lon, lat] = mercatorToLonLat(e.xmin + ((e.xmax - e.xmin) * x) / 4096, e.ymax - ((e.ymax - e.ymin) * y) / 4096);
	return [Number(lon.toFixed(9)), Number(lat.toFixed(9))];
};
const ring = (pts: number[][]) => [...pts, pts[0]].map(([x, y]) => px(x, y));

const fixtures: Record<string, { description: string; features: { properties: Record<string, unknown>; geometry: unknown }[] }> = {
	'polygon-crossing-edge': {
		description: 'A square reaching past the right edge: clipped at 4096 + 64 = 4160.',
		features: [
			{
				properties: { code: 'A' },
				geometry: {
					type: 'Polygon',
					coordinates: [
						ring([
							[3900, 100],
							[4400, 100],
							[4400, 600],
							[3900, 600]
						])
					]
				}
			}
		]
	},
	'polygon-with-hole': {
		description: 'A square with a square hole, fully inside: kept, exterior clockwise on screen, hole counter-clockwise.',
		features: [
			{
				properties: { code: 'H' },
				geometry: {
					type: 'Polygon',
					coordinates: [
						ring([
							[100, 100],
							[100, 1100],
							[1100, 1100],
							[1100, 100]
						]),
						ring([
							[400, 400],
							[700, 400],
							[700, 700],
							[400, 700]
						])
					]
				}
			}
		]
	},
	'concave-across-corner': {
		description: 'A U shape whose arms leave the tile past the top-left corner buffer: clipped to the buffer square.',
		features: [
			{
				properties: { code: 'U' },
				geometry: {
					type: 'Polygon',
					coordinates: [
						ring([
							[-300, -300],
							[300, -300],
							[300, 500],
							[200, 500],
							[200, -100],
							[-100, -100],
							[-100, 500],
							[-300, 500]
						])
					]
				}
			}
		]
	},
	'concave-across-edge': {
		description:
			'A U shape whose two arms cross the top edge and join outside the buffer: one ring with a zero-width seam along y = -64 (Sutherland–Hodgman), in the buffer, invisible.',
		features: [
			{
				properties: { code: 'seam' },
				geometry: {
					type: 'Polygon',
					coordinates: [
						ring([
							[1000, -300],
							[1500, -300],
							[1500, 300],
							[1400, 300],
							[1400, -200],
							[1100, -200],
							[1100, 300],
							[1000, 300]
						])
					]
				}
			}
		]
	},
	'sub-pixel-and-spike': {
		description: 'A polygon smaller than half a pixel disappears; a one-pixel-wide spike collapses and is removed; collinear vertices go.',
		features: [
			{
				properties: { code: 'tiny' },
				geometry: {
					type: 'Polygon',
					coordinates: [
						ring([
							[10.1, 10.1],
							[10.3, 10.1],
							[10.3, 10.3]
						])
					]
				}
			},
			{
				properties: { code: 'spike' },
				geometry: {
					type: 'Polygon',
					coordinates: [
						ring([
							[1000, 1000],
							[1100, 1000],
							[1100, 1050],
							[1300, 1050.2],
							[1100, 1050.4],
							[1100, 1100],
							[1050, 1100],
							[1000, 1100]
						])
					]
				}
			}
		]
	},
	'line-leaving-and-returning': {
		description: 'A line that leaves the tile and comes back makes two parts; a line wholly outside is dropped.',
		features: [
			{
				properties: { name: 'through' },
				geometry: {
					type: 'LineString',
					coordinates: [
						[100, 2000],
						[4500, 2000],
						[4500, 2500],
						[2000, 2500],
						[2000, 5000]
					].map(([x, y]) => px(x, y))
				}
			},
			{
				properties: { name: 'outside' },
				geometry: {
					type: 'LineString',
					coordinates: [
						[5000, 100],
						[6000, 200]
					].map(([x, y]) => px(x, y))
				}
			}
		]
	},
	points: {
		description: 'Points: one inside, one in the buffer (kept), one outside (dropped); multipoint duplicates sharing a pixel merge.',
		features: [
			{ properties: { id: 1 }, geometry: { type: 'Point', coordinates: px(2048, 2048) } },
			{ properties: { id: 2 }, geometry: { type: 'Point', coordinates: px(-30, 100) } },
			{ properties: { id: 3 }, geometry: { type: 'Point', coordinates: px(-100, 100) } },
			{ properties: { id: 4 }, geometry: { type: 'MultiPoint', coordinates: [px(500, 500), px(500.2, 500.1), px(900, 900)] } }
		]
	}
};

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
	const dir = path.join(import.meta.dirname, 'in');
	for (const [name, f] of Object.entries(fixtures)) {
		const fc = {
			type: 'FeatureCollection',
			description: f.description,
			tile: FIXTURE_TILE,
			features: f.features.map((x) => ({ type: 'Feature', ...x }))
		};
		fs.writeFileSync(path.join(dir, `${name}.geojson`), JSON.stringify(fc, null, 1) + '\n');
	}
	console.log(`wrote ${Object.keys(fixtures).length} fixtures to ${dir}`);
}
