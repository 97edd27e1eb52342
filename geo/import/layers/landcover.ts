// Land cover (water, green space, land use) for the basemap: OSM areas by their tags; tables by a
// kind column (the code or its Chinese/English name), or by OSM-style tags when the table has them.
import { FIELD_ALIASES as F } from '../properties';
import { LANDCOVER_KINDS, landcoverKindFromTags, osmLandcoverKind, osmLandcoverName, parseLandcoverKind } from '../../osm/landcover';
import { fail, type LayerBuilder } from './types';
import { shown } from '../text';

const validKinds = () => ({
	zh: LANDCOVER_KINDS.map((k) => `${k.code}（${k.nameZh}）`).join('、'),
	en: LANDCOVER_KINDS.map((k) => k.code).join(', ')
});

export const buildLandcover: LayerBuilder<'landcover'> = ({ reader, feature, fromOsm }) => {
	if (fromOsm) {
		// parseLayer only hands over OSM areas that osmLandcoverKind classifies.
		return { ok: true, fields: { kind: osmLandcoverKind(feature)!, name: osmLandcoverName(feature.properties) } };
	}
	const raw = reader.text(F.landcoverKind);
	const kind = raw !== undefined ? parseLandcoverKind(raw) : (landcoverKindFromTags(feature.properties) ?? undefined);
	if (kind === undefined) {
		const valid = validKinds();
		return fail('unknown-kind', {
			zh:
				raw === undefined
					? `缺少地表类型（列名 ${F.landcoverKind.join('/')}，或 OSM 标签如 natural=water），可用类型：${valid.zh}`
					: `地表类型“${shown(raw)}”无法识别，可用类型：${valid.zh}`,
			en:
				raw === undefined
					? `the land-cover kind is missing (column ${F.landcoverKind.join('/')}, or OSM tags such as natural=water); valid kinds: ${valid.en}`
					: `land-cover kind "${shown(raw)}" is not known; valid kinds: ${valid.en}`
		});
	}
	return { ok: true, fields: { kind, name: reader.text(F.landcoverName) } };
};
