export { osmToGeoJSON, osmElementsToGeoJSON, type OsmFormat, type OsmProperties } from './osm-to-geojson';
export { readOsmElements, parseOsmXml } from './osm-elements';
export { parseOsmPbf, inflatePbfBlobs } from './pbf';
export type { OsmElement, OsmNode, OsmWay, OsmRelation, OsmRelationMember } from './osm-elements';
export { isOsmBuilding, isWalkable, osmRoad, osmFacilityCategory, matchTagMapping, unmappedPoiTags, WALKABLE_HIGHWAYS } from './classify';
export { DEFAULT_TAG_MAPPING, FACILITY_CATEGORIES, type FacilityCategory } from './tag-mapping';
