// Candidate sites for suggestions from a user's CSV of available premises: longitude / latitude
// columns under any of the usual names, an optional name; every bad row named by its line.
import { csvParse } from 'd3-dsv';
import { GridAtlasError } from '$geo/errors';

export interface Candidate {
	lon: number;
	lat: number;
	id?: string;
}

const LON = ['lon', 'lng', 'longitude', 'x', '经度'];
const LAT = ['lat', 'latitude', 'y', '纬度'];
const NAME = ['name', 'id', '名称', '地址'];

export class CandidateFileError extends GridAtlasError {
	constructor(message: string) {
		super(message, { code: 'bad_candidates' });
	}
}

export function parseCandidates(text: string): Candidate[] {
	const rows = csvParse(text.replace(/^\ufeff/, ''));
	const find = (names: string[]) => rows.columns.find((c) => names.includes(c.trim().toLowerCase()));
	const lonCol = find(LON);
	const latCol = find(LAT);
	const nameCol = find(NAME);
	if (!lonCol || !latCol)
		throw new CandidateFileError(`找不到经纬度列（列名：${rows.columns.join(', ')}）/ no longitude and latitude columns (got: ${rows.columns.join(', ')})`);
	if (rows.length === 0) throw new CandidateFileError('文件没有数据行 / the file has no rows');
	return rows.map((r, i) => {
		const lon = Number(r[lonCol]);
		const lat = Number(r[latCol]);
		if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
			throw new CandidateFileError(`第 ${i + 2} 行坐标无效 / line ${i + 2}: invalid coordinates`);
		}
		return { lon, lat, id: nameCol && r[nameCol] ? String(r[nameCol]) : `#${i + 1}` };
	});
}
