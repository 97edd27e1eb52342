// The buildings of an OSM PBF extract, a batch at a time, in memory that grows with the nodes (16 bytes
// each in typed arrays) rather than with the whole file as OSM JSON: the reader for city-sized
// extracts (a million buildings). Geometry is still assembled by osmtogeojson, a batch at a time, so it
// is exactly what the whole-file reader gives.
import type { Feature, Polygon } from 'geojson';
import { rewind } from '@turf/rewind';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../archive';
import { isOsmBuilding } from './classify';
import type { OsmElement, OsmNode, OsmRelation, OsmWay } from './osm-elements';
import { osmElementsToGeoJSON } from './osm-to-geojson';
import { osmPbfBlocks } from './pbf';

/** Ways assembled per osmtogeojson call: large enough to amortise it, small enough to stay a few MB. */
const WAYS_PER_BATCH = 2000;
/** Relations per call: each brings its member ways along. */
const RELATIONS_PER_BATCH = 200;

/**
 * Node coordinates by id in typed arrays; ids are looked up by binary search once sorted. Coordinates
 * are kept as OSM stores them, whole 1e-7 degrees (tiny-osmpbf gives lon = int / 1e7, read back here
 * to the same number): 16 bytes a node instead of 24. A file with coordinates of finer granularity
 * turns the store to doubles.
 */
export class NodeStore {
	private ids = new Float64Array(1 << 16);
	private lon: Int32Array | Float64Array = new Int32Array(1 << 16);
	private lat: Int32Array | Float64Array = new Int32Array(1 << 16);
	private fixed = true;
	private n = 0;
	private sorted = true;

	get size(): number {
		return this.n;
	}

	add(id: number, lon: number, lat: number): void {
		if (this.n === this.ids.length) this.grow();
		if (this.n > 0 && id <= this.ids[this.n - 1]) this.sorted = false;
		this.ids[this.n] = id;
		if (this.fixed) {
			// as stored (| 0: an Int32 has no -0), read back as node() reads it
			const x = Math.round(lon * 1e7) | 0;
			const y = Math.round(lat * 1e7) | 0;
			if (Object.is(x / 1e7, lon) && Object.is(y / 1e7, lat)) {
				this.lon[this.n] = x;
				this.lat[this.n] = y;
				this.n++;
				return;
			}
			this.toDoubles();
		}
		this.lon[this.n] = lon;
		this.lat[this.n] = lat;
		this.n++;
	}

	/** The node as an OSM element, or null when the file does not have it. */
	node(id: number): OsmNode | null {
		const at = this.find(id);
		return at < 0 ? null : { type: 'node', id, lon: this.lonAt(at), lat: this.latAt(at) };
	}

	/** Where the node is kept (for lonAt, latAt), or -1 when the file does not have it. */
	find(id: number): number {
		if (!this.sorted) this.sort();
		let lo = 0;
		let hi = this.n - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >>> 1;
			const v = this.ids[mid];
			if (v === id) return mid;
			if (v < id) lo = mid + 1;
			else hi = mid - 1;
		}
		return -1;
	}

	lonAt(at: number): number {
		return this.fixed ? this.lon[at] / 1e7 : this.lon[at];
	}

	latAt(at: number): number {
		return this.fixed ? this.lat[at] / 1e7 : this.lat[at];
	}

	private toDoubles() {
		for (const key of ['lon', 'lat'] as const) this[key] = Float64Array.from(this[key], (v) => v / 1e7);
		this.fixed = false;
	}

	private grow() {
		const size = this.ids.length * 2;
		for (const key of ['ids', 'lon', 'lat'] as const) {
			const from = this[key];
			const next = new (from.constructor as Float64ArrayConstructor)(size);
			next.set(from);
			this[key] = next;
		}
	}

	/** Files sorted the standard way (by type, then id) never get here. */
	private sort() {
		const order = Uint32Array.from({ length: this.n }, (_, i) => i).sort((a, b) => this.ids[a] - this.ids[b]);
		for (const key of ['ids', 'lon', 'lat'] as const) {
			const from = this[key];
			const to = new (from.constructor as Float64ArrayConstructor)(from.length);
			for (let i = 0; i < this.n; i++) to[i] = from[order[i]];
			this[key] = to;
		}
		this.sorted = true;
	}
}

/** A batch of buildings and how far into the file the reader is (0–1, for progress). */
export interface BuildingBatch {
	features: Feature[];
	fraction: number;
}

const isBuildingTag = (tags: Record<string, string> | undefined) => typeof tags?.building === 'string' && tags.building !== 'no';

/**
 * A closed building way whose nodes are all known, as osmtogeojson would give it (a Polygon of the
 * nodes' [lon, lat], wound counter-clockwise as osmElementsToGeoJSON leaves it), made directly: most
 * buildings are such ways, and osmtogeojson's generality cost half the reading time. Null for anything
 * else (open, tagged area=no, a node missing), which goes through osmtogeojson.
 */
function closedWayPolygon(nodes: NodeStore, way: OsmWay): Feature | null {
	const refs = way.nodes;
	if (refs.length < 4 || refs[0] !== refs[refs.length - 1] || way.tags?.area === 'no') return null;
	const ring: number[][] = [];
	for (const id of refs) {
		const at = nodes.find(id);
		if (at < 0) return null;
		ring.push([nodes.lonAt(at), nodes.latAt(at)]);
	}
	const id = `way/${way.id}`;
	const geometry = rewind({ type: 'Polygon', coordinates: [ring] }, { mutate: true }) as Polygon;
	return { type: 'Feature', id, properties: { ...way.tags, '@id': id }, geometry };
}

/**
 * Building ways as features, in the file's order: directly where they are simple closed rings, through
 * osmtogeojson otherwise. With `waiting`, a way missing a node goes there instead (its node may come
 * later in a file not in the standard order).
 */
function wayFeatures(nodes: NodeStore, ways: OsmWay[], waiting?: OsmWay[]): Feature[] {
	const direct = ways.map((way) => closedWayPolygon(nodes, way));
	const rest: OsmWay[] = [];
	ways.forEach((way, i) => {
		if (direct[i]) return;
		if (waiting && way.nodes.some((id) => nodes.node(id) === null)) waiting.push(way);
		else rest.push(way);
	});
	const assembled = new Map(assemble(nodes, rest, (f) => String(f.id).startsWith('way/')).map((f) => [String(f.id), f]));
	return ways.flatMap((way, i) => direct[i] ?? assembled.get(`way/${way.id}`) ?? []);
}

/** Features of these ways and relations with the nodes their ways use, through osmtogeojson; `keep` picks the ones wanted. */
function assemble(nodes: NodeStore, elements: OsmElement[], keep: (f: Feature) => boolean): Feature[] {
	if (elements.length === 0) return [];
	const used = new Map<number, OsmNode>();
	for (const way of elements) {
		if (way.type !== 'way') continue;
		for (const id of way.nodes) {
			const node = used.has(id) ? null : nodes.node(id);
			if (node) used.set(id, node);
		}
	}
	return osmElementsToGeoJSON([...elements, ...used.values()]).features.filter((f) => keep(f) && isOsmBuilding(f));
}

/**
 * Buildings of an OSM PBF file (building=* ways, and building multipolygon relations), WAYS_PER_BATCH
 * at a time. One pass reads the nodes and the building ways; when the file has building relations, a
 * second pass reads the ways they are made of from the blocks that hold ways. Nodes sorted before ways
 * (the standard order) let each batch go as soon as it is read; ways whose nodes come later wait for
 * the end. Old-style multipolygons (tags on the outer way, none on the relation, abolished in OSM in
 * 2017) come out as the outer way without its holes.
 */
export async function* osmPbfBuildings(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): AsyncGenerator<BuildingBatch> {
	const nodes = new NodeStore();
	const relations: OsmRelation[] = [];
	const wayBlocks = new Set<number>();
	let pending: OsmWay[] = [];
	const waiting: OsmWay[] = [];
	for await (const block of osmPbfBlocks(bytes, limits)) {
		for (const e of block.elements) {
			if (e.type === 'node') nodes.add(e.id, e.lon, e.lat);
			else if (e.type === 'way') {
				wayBlocks.add(block.at);
				if (isBuildingTag(e.tags)) pending.push({ type: 'way', id: e.id, nodes: e.nodes, tags: e.tags });
			} else if (e.tags?.type === 'multipolygon' && isBuildingTag(e.tags)) relations.push(e);
		}
		if (pending.length >= WAYS_PER_BATCH) {
			const batch = pending;
			pending = [];
			yield { features: wayFeatures(nodes, batch, waiting), fraction: block.end / bytes.length };
		}
	}
	const rest = [...waiting, ...pending];
	for (let i = 0; i < rest.length; i += WAYS_PER_BATCH) {
		const batch = rest.slice(i, i + WAYS_PER_BATCH);
		yield { features: wayFeatures(nodes, batch), fraction: 1 };
	}
	if (relations.length === 0) return;

	// The ways the building relations are made of, read again from the blocks that hold ways.
	const wanted = new Set(relations.flatMap((r) => r.members.filter((m) => m.type === 'way').map((m) => m.ref)));
	const members = new Map<number, OsmWay>();
	for await (const block of osmPbfBlocks(bytes, limits, wayBlocks)) {
		for (const e of block.elements) if (e.type === 'way' && wanted.has(e.id)) members.set(e.id, e);
	}
	const isRelation = (f: Feature) => String(f.id).startsWith('relation/');
	for (let i = 0; i < relations.length; i += RELATIONS_PER_BATCH) {
		const batch = relations.slice(i, i + RELATIONS_PER_BATCH);
		const ways = new Set(batch.flatMap((r) => r.members.flatMap((m) => (m.type === 'way' && members.has(m.ref) ? [members.get(m.ref)!] : []))));
		yield { features: assemble(nodes, [...batch, ...ways], isRelation), fraction: 1 };
	}
}
