// A minimal OSM PBF writer (header, dense nodes, ways; zlib blocks, standard order: nodes, then ways,
// by id): the import bench's synthetic extract and the streaming reader's tests. Not a product path.
import fs from 'node:fs';
import { deflateSync } from 'node:zlib';
import { PbfWriter } from 'pbf';

const ELEMENTS_PER_BLOCK = 8000;

export interface PbfWay {
	id: number;
	nodes: number[];
	tags: Record<string, string>;
}

/** One file block: 4-byte header length, BlobHeader, Blob (zlib). */
function fileBlock(type: string, data: Uint8Array): Buffer {
	const blob = new PbfWriter();
	blob.writeVarintField(2, data.length);
	blob.writeBytesField(3, deflateSync(data));
	const blobBytes = blob.finish();
	const header = new PbfWriter();
	header.writeStringField(1, type);
	header.writeVarintField(3, blobBytes.length);
	const headerBytes = header.finish();
	const length = Buffer.alloc(4);
	length.writeInt32BE(headerBytes.length);
	return Buffer.concat([length, headerBytes, blobBytes]);
}

const deltas = (values: ArrayLike<number>) => Array.from(values, (v, i) => (i === 0 ? v : v - values[i - 1]));

/** Writes elements to a file as they are given: call nodes() for all nodes first, then ways(). */
export class OsmPbfWriter {
	private fd: number;

	constructor(path: string) {
		this.fd = fs.openSync(path, 'w');
		const header = new PbfWriter();
		for (const feature of ['OsmSchema-V0.6', 'DenseNodes']) header.writeStringField(4, feature);
		header.writeStringField(16, 'gridatlas-bench');
		fs.writeSync(this.fd, fileBlock('OSMHeader', header.finish()));
	}

	/** Nodes by ascending id, degrees. */
	nodes(ids: ArrayLike<number>, lon: ArrayLike<number>, lat: ArrayLike<number>): void {
		for (let from = 0; from < ids.length; from += ELEMENTS_PER_BLOCK) {
			const to = Math.min(ids.length, from + ELEMENTS_PER_BLOCK);
			const slice = (a: ArrayLike<number>, scale: number) => Array.from({ length: to - from }, (_, i) => Math.round(a[from + i] * scale));
			const block = new PbfWriter();
			block.writeMessage(1, (_: unknown, pbf: PbfWriter) => pbf.writeStringField(1, ''), null);
			block.writeMessage(
				2,
				(_: unknown, group: PbfWriter) =>
					group.writeMessage(
						2,
						(__: unknown, dense: PbfWriter) => {
							dense.writePackedSVarint(1, deltas(slice(ids, 1)));
							dense.writePackedSVarint(8, deltas(slice(lat, 1e7)));
							dense.writePackedSVarint(9, deltas(slice(lon, 1e7)));
						},
						null
					),
				null
			);
			fs.writeSync(this.fd, fileBlock('OSMData', block.finish()));
		}
	}

	/** Ways by ascending id. */
	ways(ways: PbfWay[]): void {
		for (let from = 0; from < ways.length; from += ELEMENTS_PER_BLOCK) {
			const batch = ways.slice(from, from + ELEMENTS_PER_BLOCK);
			const strings = new Map<string, number>([['', 0]]);
			const sid = (s: string) => strings.get(s) ?? (strings.set(s, strings.size), strings.size - 1);
			const encoded = batch.map((w) => ({ w, keys: Object.keys(w.tags).map(sid), vals: Object.values(w.tags).map(sid) }));
			const block = new PbfWriter();
			block.writeMessage(1, (_: unknown, table: PbfWriter) => [...strings.keys()].forEach((s) => table.writeStringField(1, s)), null);
			block.writeMessage(
				2,
				(_: unknown, group: PbfWriter) => {
					for (const { w, keys, vals } of encoded) {
						group.writeMessage(
							3,
							(__: unknown, way: PbfWriter) => {
								way.writeVarintField(1, w.id);
								way.writePackedVarint(2, keys);
								way.writePackedVarint(3, vals);
								way.writePackedSVarint(8, deltas(w.nodes));
							},
							null
						);
					}
				},
				null
			);
			fs.writeSync(this.fd, fileBlock('OSMData', block.finish()));
		}
	}

	close(): void {
		fs.closeSync(this.fd);
	}
}
