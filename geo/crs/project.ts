// Gauss–Krüger metres (CGCS2000, EPSG:4491–4554) → WGS-84 degrees through proj4. The proj strings
// are built from the EPSG parameters in ./epsg-codes.ts. CGCS2000 and WGS-84 agree to within a
// metre, so no datum shift is applied (as the map does for Tianditu).
import { GridAtlasError } from '../errors';
import proj4 from 'proj4';
import type { FeatureCollection, Geometry, Position } from 'geojson';
import type { BilingualText } from '../issues';
import { isInChina } from '../validate/coordinates';
import { codeForZonePrefix, degreeCrs, epsgEntry, isProjectedCrs, type EpsgCrs, type EpsgEntry, type ImportCrs } from './epsg-codes';
import { toWgs84 } from './index';

const converters = new Map<string, proj4.Converter>();

/** The proj4 definition of a Gauss–Krüger code. */
export function projString(entry: EpsgEntry): string {
	return `+proj=tmerc +lat_0=0 +lon_0=${entry.centralMeridian} +k=1 +x_0=${entry.falseEasting} +y_0=0 +ellps=GRS80 +units=m +no_defs`;
}

function converter(crs: EpsgCrs): proj4.Converter {
	let c = converters.get(crs);
	if (!c) {
		const entry = epsgEntry(crs);
		if (!entry?.zone) throw new Error(`${crs} is not a Gauss-Kruger code`);
		c = proj4(projString(entry), 'WGS84');
		converters.set(crs, c);
	}
	return c;
}

/** One easting/northing pair → [lon, lat] (NaN when proj4 cannot invert it). */
export function projectPosition(position: Position, crs: EpsgCrs): [number, number] {
	const [x, y] = position;
	const [lon, lat] = converter(crs).forward([x, y]);
	return [lon, lat];
}

const fmt = (v: number) => String(Math.round(v * 1000) / 1000);

function mapPositions(geometry: Geometry, f: (p: Position) => Position): Geometry {
	switch (geometry.type) {
		case 'Point':
			return { type: 'Point', coordinates: f(geometry.coordinates) };
		case 'MultiPoint':
		case 'LineString':
			return { type: geometry.type, coordinates: geometry.coordinates.map(f) } as Geometry;
		case 'MultiLineString':
		case 'Polygon':
			return { type: geometry.type, coordinates: geometry.coordinates.map((r) => r.map(f)) } as Geometry;
		case 'MultiPolygon':
			return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((p) => p.map((r) => r.map(f))) };
		case 'GeometryCollection':
			return { type: 'GeometryCollection', geometries: geometry.geometries.map((g) => mapPositions(g, f)) };
	}
}

function allPositions(geometry: Geometry): Position[] {
	const out: Position[] = [];
	mapPositions(geometry, (p) => (out.push(p), p));
	return out;
}

export type ProjectionResult = { ok: true; geometry: Geometry } | { ok: false; rule: 'coordinate-range' | 'wrong-zone'; text: BilingualText };

/**
 * Projects a geometry from a Gauss–Krüger code to WGS-84. Refuses positions that are not numbers,
 * degrees given where metres are expected, and positions that land outside China — the sign of a
 * wrong zone (or swapped easting/northing), with the code the numbers themselves point to.
 */
export function projectGeometry(geometry: Geometry, crs: EpsgCrs): ProjectionResult {
	const entry = epsgEntry(crs)!;
	const raw = allPositions(geometry);
	for (const p of raw) {
		if (p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
			return {
				ok: false,
				rule: 'coordinate-range',
				text: { zh: `坐标 ${JSON.stringify(p)} 不是有效的数字`, en: `coordinate ${JSON.stringify(p)} is not a pair of numbers` }
			};
		}
		if (Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90) {
			return {
				ok: false,
				rule: 'coordinate-range',
				text: {
					zh: `坐标 (${fmt(p[0])}, ${fmt(p[1])}) 是经纬度，不是 ${crs} 的米制坐标；请把坐标系改为 wgs84（或 EPSG:4490）`,
					en: `coordinate (${fmt(p[0])}, ${fmt(p[1])}) is in degrees, not the metres of ${crs}; choose wgs84 (or EPSG:4490) instead`
				}
			};
		}
	}
	const projected = mapPositions(geometry, (p) => projectPosition(p, crs));
	const outside = allPositions(projected).findIndex((p) => !(Number.isFinite(p[0]) && Number.isFinite(p[1]) && isInChina(p)));
	if (outside === -1) return { ok: true, geometry: projected };
	const [x, y] = raw[outside];
	const got = allPositions(projected)[outside];
	const landed = Number.isFinite(got[0]) && Number.isFinite(got[1]) ? `(${got[0].toFixed(4)}, ${got[1].toFixed(4)})` : '—';
	// What the numbers themselves say: swapped axes, or a zone prefix naming another code.
	const swapped = Number.isFinite(projectPosition([y, x], crs)[0]) && isInChina(projectPosition([y, x], crs));
	const prefixed = codeForZonePrefix(x);
	const hint: BilingualText = swapped
		? { zh: '东坐标与北坐标可能写反了（X/Y 两列对调）', en: 'easting and northing look swapped (exchange the X/Y columns)' }
		: prefixed && prefixed.code !== crs
			? {
					zh: `东坐标 ${fmt(x)} 的带号前缀 ${prefixed.zone} 指向 ${prefixed.code}（${prefixed.name.zh}）`,
					en: `easting ${fmt(x)} carries the zone prefix ${prefixed.zone}, i.e. ${prefixed.code} (${prefixed.name.en})`
				}
			: entry.falseEasting !== 500_000 && x < 1_000_000
				? {
						zh: `东坐标 ${fmt(x)} 没有带号前缀，应选“中央经线”一组代码（EPSG:4502–4512 或 4534–4554）`,
						en: `easting ${fmt(x)} has no zone prefix: choose a code "by central meridian" (EPSG:4502–4512 or 4534–4554)`
					}
				: {
						zh: '请核对带号或中央经线（如南京为 3° 带 40 带/中央经线 120°E：EPSG:4528 或 EPSG:4549）',
						en: 'check the zone or central meridian (Nanjing, for instance, is 3° zone 40 / CM 120°E: EPSG:4528 or EPSG:4549)'
					};
	return {
		ok: false,
		rule: 'wrong-zone',
		text: {
			zh: `坐标 (${fmt(x)}, ${fmt(y)}) 按 ${crs}（${entry.name.zh}）换算后落在中国境外 ${landed}，坐标系（带号）可能选错了：${hint.zh}`,
			en: `coordinate (${fmt(x)}, ${fmt(y)}) read as ${crs} (${entry.name.en}) lands outside China ${landed}; the coordinate system (zone) is probably wrong: ${hint.en}`
		}
	};
}

/**
 * Any import CRS → WGS-84 for a whole collection (the plan import): named systems through gcoord,
 * Gauss–Krüger through proj4. Throws the first feature's problem as { index, text }.
 */
export function collectionToWgs84(fc: FeatureCollection, crs: ImportCrs): FeatureCollection {
	if (!isProjectedCrs(crs)) return toWgs84(fc, degreeCrs(crs));
	return {
		...fc,
		features: fc.features.map((f, index) => {
			if (!f.geometry) return f;
			const r = projectGeometry(f.geometry, crs);
			if (!r.ok) throw new ProjectionError(index, r.text);
			return { ...f, geometry: r.geometry };
		})
	};
}

export class ProjectionError extends GridAtlasError {
	constructor(
		public readonly index: number,
		public readonly text: BilingualText
	) {
		super(`${text.zh} / ${text.en}`, { code: 'bad_projection', zh: text.zh, en: text.en, details: { index } });
		this.name = 'ProjectionError';
	}
}
