// GeoJSON text → FeatureCollection. Accepts a FeatureCollection, a single Feature or a bare geometry,
// because all three are common in exports from QGIS, geojson.io and hand-written files.
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { fileError } from '../issues';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

function isGeometry(value: unknown): value is Geometry {
	return typeof value === 'object' && value !== null && GEOMETRY_TYPES.has((value as { type?: string }).type ?? '');
}

/** Makes sure every feature has a properties object and a geometry member (possibly null). */
function normaliseFeature(value: unknown): Feature {
	const feature = (typeof value === 'object' && value !== null ? value : {}) as Partial<Feature>;
	const normalised: Feature = {
		type: 'Feature',
		properties: feature.properties && typeof feature.properties === 'object' ? feature.properties : {},
		geometry: (feature.geometry ?? null) as Geometry
	};
	if (feature.id !== undefined && feature.id !== null) normalised.id = feature.id;
	return normalised;
}

/** Whether JSON.parse stopped because the text ran out (a cut-off file), not at a wrong character. */
function endedEarly(text: string, error: unknown): boolean {
	const message = error instanceof Error ? error.message : String(error);
	if (/end of (JSON input|data)/i.test(message)) return true;
	const at = /at position (\d+)/.exec(message);
	return at !== null && Number(at[1]) >= text.trimEnd().length;
}

/**
 * Parses GeoJSON text. Throws ImportFileError "damaged-file" for JSON cut off before its end,
 * "invalid-json" for other broken JSON, "not-geojson" for JSON that is not GeoJSON, and
 * "empty-file" for a FeatureCollection without features.
 */
export function readGeoJSON(text: string, fileName = 'GeoJSON'): FeatureCollection {
	if (text.trim() === '') throw fileError(fileName, 'empty-file', { zh: '文件为空', en: 'the file is empty' });
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		const detail = error instanceof Error ? error.message : String(error);
		if (endedEarly(text, error)) {
			throw fileError(fileName, 'damaged-file', {
				zh: `GeoJSON 文件在结构结束之前就中断了（${detail}），文件不完整（可能下载或上传时被截断），请重新导出后上传`,
				en: `the GeoJSON file ends before its structure does (${detail}): it is truncated (cut off in a download or upload); export it again and re-upload`
			});
		}
		throw fileError(fileName, 'invalid-json', {
			zh: `不是有效的 JSON（${detail}），请检查文件是否完整、是否多了逗号或缺了括号`,
			en: `not valid JSON (${detail}); check that the file is complete and has no stray commas or missing brackets`
		});
	}
	const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
	let features: Feature[];
	if (type === 'FeatureCollection' && Array.isArray((json as FeatureCollection).features)) {
		features = (json as FeatureCollection).features.map(normaliseFeature);
	} else if (type === 'Feature') {
		features = [normaliseFeature(json)];
	} else if (isGeometry(json)) {
		features = [{ type: 'Feature', properties: {}, geometry: json }];
	} else {
		throw fileError(fileName, 'not-geojson', {
			zh: '是 JSON，但不是 GeoJSON（顶层需要 "type": "FeatureCollection"、"Feature" 或几何类型）',
			en: 'this is JSON but not GeoJSON (the top level needs "type": "FeatureCollection", "Feature" or a geometry type)'
		});
	}
	if (features.length === 0) {
		throw fileError(fileName, 'empty-file', {
			zh: 'FeatureCollection 中没有任何要素',
			en: 'the FeatureCollection has no features'
		});
	}
	return { type: 'FeatureCollection', features };
}
