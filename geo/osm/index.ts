export { osmToGeoJSON, osmElementsToGeoJSON, type OsmFormat, type OsmProperties } from './osm-to-geojson';
export { readOsmElements, parseOsmXml } from './osm-elements';
export { parseOsmPbf, osmPbfBlocks } from './pbf';
export { osmPbfBuildings } from './pbf-buildings';
export type { OsmElement, OsmNode, OsmWay, OsmRelation, OsmRelationMember } from './osm-elements';
export { isOsmBuilding, isWalkable, osmRoad, osmFacilityCategory, matchTagMapping, unmappedPoiTags, WALKABLE_HIGHWAYS } from './classify';
export { DEFAULT_TAG_MAPPING, FACILITY_CATEGORIES, type FacilityCategory } from './tag-mapping';
