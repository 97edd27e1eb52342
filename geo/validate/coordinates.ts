// Coordinate sanity on the raw (not yet converted) coordinates: catches projected metres,
// out-of-range degrees and the classic mistake of swapped longitude/latitude columns.
import type { Geometry, Position } from 'geojson';
import type { BilingualText } from '../issues';
import { positionsOf } from './positions';
import { codeForZonePrefix } from '../crs/epsg-codes';

/** ", probably EPSG:4528" when an easting carries a Gauss–Krüger zone prefix. */
function zoneHint(easting: number) {
	const entry = codeForZonePrefix(easting);
	return entry ? { zh: `，东坐标的带号前缀指向 ${entry.code}`, en: `; the easting's zone prefix points to ${entry.code}` } : { zh: '', en: '' };
}

/** Degrees never exceed 180; anything far above that is a projected coordinate in metres. */
const PROJECTED_THRESHOLD = 1000;

/** Rough bounding box of China (mainland, Hainan, Taiwan, the southern islands). */
export const CHINA_BBOX = { minLon: 73, maxLon: 136, minLat: 3, maxLat: 54 };

export function isInChina([lon, lat]: Position): boolean {
	return lon >= CHINA_BBOX.minLon && lon <= CHINA_BBOX.maxLon && lat >= CHINA_BBOX.minLat && lat <= CHINA_BBOX.maxLat;
}

const inRange = ([lon, lat]: Position) => Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
const format = (value: number) => String(Math.round(value * 1e6) / 1e6);

export interface CoordinateProblem {
	rule: 'coordinate-range' | 'lat-lon-swapped';
	text: BilingualText;
}

const SWAP_HINT = {
	zh: '经纬度可能写反了，请交换经度、纬度两列（或两个坐标值）',
	en: 'longitude and latitude look swapped; swap the columns (or the two values)'
};

function firstBadPosition(positions: Position[]): CoordinateProblem | null {
	for (const position of positions) {
		const [lon, lat] = position;
		if (position.length < 2 || !Number.isFinite(lon) || !Number.isFinite(lat)) {
			return {
				rule: 'coordinate-range',
				text: { zh: `坐标 ${JSON.stringify(position)} 不是有效的数字`, en: `coordinate ${JSON.stringify(position)} is not a pair of numbers` }
			};
		}
		if (inRange(position)) continue;
		if (Math.abs(lon) > PROJECTED_THRESHOLD || Math.abs(lat) > PROJECTED_THRESHOLD) {
			return {
				rule: 'coordinate-range',
				text: {
					zh: `坐标 (${format(lon)}, ${format(lat)}) 是以米为单位的投影坐标（如 Web 墨卡托 EPSG:3857 或 CGCS2000 高斯-克吕格），不是经纬度；CGCS2000 高斯-克吕格坐标请指定坐标系（命令行 --crs EPSG:4491–4554，导入页“坐标系”一栏${zoneHint(lon).zh}），Shapefile 请附上 .prj 文件，或先在 GIS 软件中转换为经纬度`,
					en: `coordinate (${format(lon)}, ${format(lat)}) is a projected coordinate in metres (e.g. Web Mercator EPSG:3857 or CGCS2000 Gauss-Krüger), not degrees; for CGCS2000 Gauss-Krüger give the coordinate system (--crs EPSG:4491–4554 on the command line, the coordinate-system field of the upload page${zoneHint(lon).en}), include the .prj with a Shapefile, or convert to longitude/latitude in a GIS first`
				}
			};
		}
		if (inRange([lat, lon])) {
			return {
				rule: 'lat-lon-swapped',
				text: {
					zh: `纬度 ${format(lat)} 超出范围（-90～90）—— ${SWAP_HINT.zh}`,
					en: `latitude ${format(lat)} out of range (-90 to 90) — ${SWAP_HINT.en}`
				}
			};
		}
		const axis =
			Math.abs(lon) > 180
				? { zh: '经度', en: 'longitude', value: lon, range: '-180～180', rangeEn: '-180 to 180' }
				: { zh: '纬度', en: 'latitude', value: lat, range: '-90～90', rangeEn: '-90 to 90' };
		return {
			rule: 'coordinate-range',
			text: {
				zh: `${axis.zh} ${format(axis.value)} 超出范围（${axis.range}）`,
				en: `${axis.en} ${format(axis.value)} out of range (${axis.rangeEn})`
			}
		};
	}
	return null;
}

/**
 * Swapped columns can also give valid-looking degrees: (32.05, 118.79) is a valid point in the Indian
 * Ocean. This is a tool for Chinese cities, so when no position is in China but every swapped one is,
 * the columns were swapped.
 */
function swappedIntoChina(positions: Position[]): CoordinateProblem | null {
	if (positions.length === 0) return null;
	if (positions.some(isInChina)) return null;
	if (!positions.every(([lon, lat]) => isInChina([lat, lon]))) return null;
	const [lon, lat] = positions[0];
	return {
		rule: 'lat-lon-swapped',
		text: {
			zh: `坐标 (${format(lon)}, ${format(lat)}) 不在中国境内，交换后 (${format(lat)}, ${format(lon)}) 在中国 —— ${SWAP_HINT.zh}`,
			en: `coordinate (${format(lon)}, ${format(lat)}) is outside China but (${format(lat)}, ${format(lon)}) is inside — ${SWAP_HINT.en}`
		}
	};
}

/** The first coordinate problem of a geometry, or null when all coordinates are plausible degrees. */
export function checkCoordinates(geometry: Geometry): CoordinateProblem | null {
	const positions = positionsOf(geometry);
	return firstBadPosition(positions) ?? swappedIntoChina(positions);
}
