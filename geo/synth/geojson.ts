// A generated copy as GeoJSON features, one list per layer, with the property names the importers
// read (code, name, subdistrict_code, community_code, kind, households, levels, height …), so the
// files written by `gridatlas synth --out` import with `gridatlas import --layer …`.
import type { Feature } from 'geojson';
import type { SynthCopy } from './generate';

export const SYNTH_LAYERS = ['subdistricts', 'communities', 'grids', 'buildings'] as const;
export type SynthLayer = (typeof SYNTH_LAYERS)[number];

const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

export function copyFeatures(c: SynthCopy): Record<SynthLayer, Feature[]> {
	return {
		subdistricts: c.subdistricts.map((s) => ({
			type: 'Feature',
			properties: clean({ code: s.code, name: s.name, district_name: s.districtName, illustrative: true }),
			geometry: s.geometry
		})),
		communities: c.communities.map((x) => ({
			type: 'Feature',
			properties: clean({ code: x.code, name: x.name, subdistrict_code: x.subdistrictCode, households: x.households, illustrative: true }),
			geometry: x.geometry
		})),
		grids: c.grids.map((g) => ({
			type: 'Feature',
			properties: { code: g.code, name: g.name, kind: g.kind, community_code: g.communityCode, illustrative: true },
			geometry: g.geometry
		})),
		buildings: c.buildings.map((b) => ({
			type: 'Feature',
			id: b.sourceId,
			properties: clean({
				name: b.name,
				levels: b.levelsSource === 'levels' ? b.levels : undefined,
				height: b.heightM,
				households: b.households,
				community_code: b.communityCode,
				grid_code: b.gridCode
			}),
			geometry: b.geometry
		}))
	};
}
