// Raw OSM elements in the Overpass-JSON shape: what both readers (./osm-elements.ts, ./pbf.ts) produce.
export interface OsmNode {
	type: 'node';
	id: number;
	lat: number;
	lon: number;
	tags?: Record<string, string>;
}
export interface OsmWay {
	type: 'way';
	id: number;
	nodes: number[];
	tags?: Record<string, string>;
}
export interface OsmRelationMember {
	type: 'node' | 'way' | 'relation';
	ref: number;
	role: string;
}
export interface OsmRelation {
	type: 'relation';
	id: number;
	members: OsmRelationMember[];
	tags?: Record<string, string>;
}
export type OsmElement = OsmNode | OsmWay | OsmRelation;
