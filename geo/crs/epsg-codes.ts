// The EPSG codes an import accepts besides the named systems (wgs84, gcj02, bd09): CGCS2000
// (EPSG:4490) and its Gauss–Krüger zones (EPSG:4491–4554), the grids Chinese surveying and natural-
// resources agencies deliver in. No proj4 here: the upload form lists these without the library.
//
// Parameters from the EPSG dataset (all Transverse Mercator on the CGCS2000 ellipsoid, a = 6378137,
// 1/f = 298.257222101, i.e. GRS80; latitude of origin 0, scale 1, false northing 0):
//   4491–4501  6° zones 13–23, central meridian 6·zone − 3 (75°…135°), false easting zone·10⁶ + 500 000
//   4502–4512  the same 6° zones by central meridian, false easting 500 000 (no zone prefix)
//   4513–4533  3° zones 25–45, central meridian 3·zone (75°…135°), false easting zone·10⁶ + 500 000
//   4534–4554  the same 3° zones by central meridian, false easting 500 000
import type { BilingualText } from '../bilingual';
import { CRS_NAMES, type CrsName } from './names';

export type EpsgCrs = `EPSG:${number}`;
/** What an import may be told its coordinates are in. */
export type ImportCrs = CrsName | EpsgCrs;

export const CGCS2000_EPSG = 4490;
export const EPSG_MIN = 4490;
export const EPSG_MAX = 4554;

export interface EpsgEntry {
	code: EpsgCrs;
	/** Gauss–Krüger zone (projected codes), central meridian in degrees east, false easting in metres. */
	zone?: number;
	centralMeridian?: number;
	falseEasting?: number;
	/** 3 or 6 (projected codes). */
	width?: 3 | 6;
	name: BilingualText;
}

function zoneEntry(epsg: number, width: 3 | 6, zone: number, prefixed: boolean): EpsgEntry {
	const centralMeridian = width === 6 ? 6 * zone - 3 : 3 * zone;
	const falseEasting = prefixed ? zone * 1_000_000 + 500_000 : 500_000;
	const which = prefixed ? { zh: `带号 ${zone}`, en: `zone ${zone}` } : { zh: `中央经线 ${centralMeridian}°E`, en: `CM ${centralMeridian}°E` };
	return {
		code: `EPSG:${epsg}`,
		zone,
		centralMeridian,
		falseEasting,
		width,
		name: { zh: `CGCS2000 ${width}° 高斯-克吕格 ${which.zh}`, en: `CGCS2000 ${width}-degree Gauss-Kruger ${which.en}` }
	};
}

/** Every accepted EPSG code, in code order. */
export const EPSG_ENTRIES: readonly EpsgEntry[] = [
	{ code: 'EPSG:4490', name: { zh: 'CGCS2000 经纬度（天地图）', en: 'CGCS2000 longitude/latitude (Tianditu)' } },
	...Array.from({ length: 11 }, (_, i) => zoneEntry(4491 + i, 6, 13 + i, true)),
	...Array.from({ length: 11 }, (_, i) => zoneEntry(4502 + i, 6, 13 + i, false)),
	...Array.from({ length: 21 }, (_, i) => zoneEntry(4513 + i, 3, 25 + i, true)),
	...Array.from({ length: 21 }, (_, i) => zoneEntry(4534 + i, 3, 25 + i, false))
];

const BY_CODE = new Map(EPSG_ENTRIES.map((e) => [Number(e.code.slice(5)), e]));

export function epsgEntry(crs: string): EpsgEntry | undefined {
	const m = /^EPSG:(\d+)$/.exec(crs);
	return m ? BY_CODE.get(Number(m[1])) : undefined;
}

/** A Gauss–Krüger code (metres), as opposed to the named systems and EPSG:4490 (degrees). */
export function isProjectedCrs(crs: ImportCrs): crs is EpsgCrs {
	return epsgEntry(crs)?.zone !== undefined;
}

/** The named system that does the conversion for a degree CRS: CGCS2000 is WGS-84 to within a metre. */
export function degreeCrs(crs: ImportCrs): CrsName {
	return (CRS_NAMES as readonly string[]).includes(crs) ? (crs as CrsName) : 'wgs84';
}

const ACCEPTED = {
	zh: `可用：${CRS_NAMES.join('、')}、EPSG:4326（即 wgs84）、EPSG:4490（CGCS2000 经纬度）、EPSG:4491–4501（6° 带带号 13–23）、EPSG:4502–4512（6° 带中央经线）、EPSG:4513–4533（3° 带带号 25–45）、EPSG:4534–4554（3° 带中央经线）`,
	en: `accepted: ${CRS_NAMES.join(', ')}, EPSG:4326 (= wgs84), EPSG:4490 (CGCS2000 lon/lat), EPSG:4491–4501 (6° zones 13–23 with prefix), EPSG:4502–4512 (6° by central meridian), EPSG:4513–4533 (3° zones 25–45 with prefix), EPSG:4534–4554 (3° by central meridian)`
};

/**
 * Reads what the user typed: a named system (any case), `EPSG:<code>` or just the number, `cgcs2000`.
 * A code outside the list is refused naming the code and what is accepted.
 */
export function parseImportCrs(text: string): { ok: true; crs: ImportCrs } | { ok: false; text: BilingualText } {
	const raw = text.trim();
	const lower = raw.toLowerCase();
	if ((CRS_NAMES as readonly string[]).includes(lower)) return { ok: true, crs: lower as CrsName };
	if (lower === 'cgcs2000') return { ok: true, crs: 'EPSG:4490' };
	const m = /^(?:epsg:)?\s*(\d{1,6})$/.exec(lower);
	if (m) {
		const code = Number(m[1]);
		if (code === 4326) return { ok: true, crs: 'wgs84' };
		if (BY_CODE.has(code)) return { ok: true, crs: `EPSG:${code}` };
		return {
			ok: false,
			text: { zh: `不支持的坐标系代码 EPSG:${code}；${ACCEPTED.zh}`, en: `unsupported coordinate system code EPSG:${code}; ${ACCEPTED.en}` }
		};
	}
	const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
	return { ok: false, text: { zh: `无法识别的坐标系“${shown}”；${ACCEPTED.zh}`, en: `unknown coordinate system "${shown}"; ${ACCEPTED.en}` } };
}

/** The EPSG code a Gauss–Krüger easting with a zone prefix (e.g. 40 500 000 → zone 40) points to. */
export function codeForZonePrefix(easting: number): EpsgEntry | undefined {
	const zone = Math.floor(easting / 1_000_000);
	return EPSG_ENTRIES.find((e) => e.zone === zone && e.falseEasting !== 500_000);
}
