// Large read-only arrays the request thread hands to job workers many times (the walk graph): copied
// once into shared memory, after which sending them to a worker costs nothing.
import type { WalkGraph } from '$geo/network/graph';

const sharedCopies = new WeakMap<object, { graph: WalkGraph; id: number }>();
let nextId = 1;

function sharedArray<T extends ArrayBufferView>(a: T): T {
	if (a.buffer instanceof SharedArrayBuffer) return a;
	const buffer = new SharedArrayBuffer(a.byteLength);
	new Uint8Array(buffer).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
	const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
	return new Ctor(buffer);
}

/**
 * The graph with its typed arrays in shared memory (the same copy for the same graph), and an id a
 * worker keeps it under, so its search indexes are built once per graph rather than once per job.
 */
export function sharedGraph(graph: WalkGraph): { graph: WalkGraph; id: number } {
	let copy = sharedCopies.get(graph);
	if (!copy) {
		const shared = Object.fromEntries(Object.entries(graph).map(([k, v]) => [k, ArrayBuffer.isView(v) ? sharedArray(v) : v])) as unknown as WalkGraph;
		copy = { graph: shared, id: nextId++ };
		sharedCopies.set(graph, copy);
	}
	return copy;
}
