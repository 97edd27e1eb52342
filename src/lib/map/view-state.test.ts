import { describe, expect, it } from 'vitest';
import { defaultViewState, parseViewState, viewStateToParams, type ViewState } from './view-state';

describe('view state in the URL', () => {
	it('round-trips a full view', () => {
		const view: ViewState = {
			unit: '320102003001',
			layers: ['communities', 'grids', 'buildings'],
			zoom: 15.25,
			lon: 118.784512,
			lat: 32.041234,
			theme: 'night',
			basemap: 'offline',
			bcolor: 'households',
			render: 'deck'
		};
		const params = viewStateToParams(view, new URLSearchParams('lang=en'));
		expect(params.get('lang')).toBe('en');
		expect(params.get('layers')).toBe('communities,grids,buildings');
		expect(parseViewState(params)).toEqual(view);
	});

	it('fills in defaults and drops malformed values', () => {
		expect(parseViewState(new URLSearchParams(''))).toEqual(defaultViewState());
		const v = parseViewState(new URLSearchParams('unit=12ab&z=99&lon=118&lat=32&theme=pink&layers=grids,nope&basemap=../x'));
		expect(v.unit).toBeNull();
		expect(v.zoom).toBeNull(); // a camera is all three or nothing
		expect(v.lon).toBeNull();
		expect(v.theme).toBe('day');
		expect(v.layers).toEqual(['grids']);
		expect(v.basemap).toBe('offline');
	});

	it('keeps "no layers" distinct from "default layers"', () => {
		expect(parseViewState(new URLSearchParams('layers=')).layers).toEqual([]);
		expect(viewStateToParams({ ...defaultViewState(), layers: [] }).get('layers')).toBe('');
	});

	it('writes layers in a fixed order and rounds the camera', () => {
		const p = viewStateToParams({ ...defaultViewState(), layers: ['grids', 'subdistricts'], zoom: 14.123456, lon: 118.1234567, lat: 32.7654321 });
		expect(p.get('layers')).toBe('subdistricts,grids');
		expect(p.get('z')).toBe('14.12');
		expect(p.get('lon')).toBe('118.123457');
		expect(p.get('lat')).toBe('32.765432');
	});
});
