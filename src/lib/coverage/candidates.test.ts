import { describe, expect, it } from 'vitest';
import { CandidateFileError, parseCandidates } from './candidates';

describe('parseCandidates', () => {
	it('reads the usual column names and names rows', () => {
		expect(parseCandidates('经度,纬度,名称\n118.78,32.04,沿街商铺\n118.79,32.05,')).toEqual([
			{ lon: 118.78, lat: 32.04, id: '沿街商铺' },
			{ lon: 118.79, lat: 32.05, id: '#2' }
		]);
		expect(parseCandidates('\ufeffLongitude,Latitude\n118.7,32.0')).toEqual([{ lon: 118.7, lat: 32, id: '#1' }]);
	});
	it.each([
		['a,b\n1,2', /no longitude/],
		['lon,lat\n', /no rows/],
		['lon,lat\n118,abc', /line 2/],
		['lon,lat\n118,32\n500,32', /line 3/]
	])('refuses %j', (text, message) => {
		expect(() => parseCandidates(text)).toThrow(CandidateFileError);
		expect(() => parseCandidates(text)).toThrow(message);
	});
});
