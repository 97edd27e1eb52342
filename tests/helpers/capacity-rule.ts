// A capacity rule for tests (kindergarten seats per 1,000 residents within 500 m in a straight line,
// status D): tests/capacity.test.ts and tests/access.test.ts create it under their own ids.
import type { Db } from '../../src/lib/server/db';
import { importFile } from '../../src/lib/server/imports';

export const testCapacityRule = {
	id: 'test_places',
	kind: 'capacity' as const,
	category: 'kindergarten',
	nameZh: '测试托位',
	nameEn: 'Test places',
	level: '5min' as const,
	metric: 'straight' as const,
	maxDistanceM: 500,
	capacityAttribute: 'seats' as const,
	demandBasis: 'population' as const,
	demandPer: 1000,
	capacityPer: 20,
	capacityUnitZh: '托位',
	capacityUnitEn: 'places',
	source: 'GB 50180-2018 附录C 表C.0.2',
	status: 'D' as const
};

/**
 * Kindergartens imported at demo buildings (the demo has none): one per pick, at the pick's building
 * (by source id order, among buildings of a community) with its seats (null: not recorded).
 */
export async function importKindergartens(db: Db, picks: { id: string; at: number; seats: number | null }[]) {
	const spots = await db.query<{ lon: number; lat: number }>(
		`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p, source_id FROM buildings
		 WHERE community_code IS NOT NULL ORDER BY source_id) b LIMIT $1`,
		[Math.max(...picks.map((p) => p.at)) + 1]
	);
	const kindergartens = picks.map((p) => ({ id: p.id, ...spots[p.at], seats: p.seats }));
	const fc = {
		type: 'FeatureCollection',
		features: kindergartens.map((k) => ({
			type: 'Feature',
			id: k.id,
			properties: { category: 'kindergarten', name: `幼儿园 ${k.id}`, ...(k.seats === null ? {} : { seats: k.seats }) },
			geometry: { type: 'Point', coordinates: [k.lon, k.lat] }
		}))
	};
	const summary = await importFile(db, { fileName: 'kindergartens.geojson', bytes: new TextEncoder().encode(JSON.stringify(fc)), layer: 'facilities' });
	return { kindergartens, written: summary.written };
}
