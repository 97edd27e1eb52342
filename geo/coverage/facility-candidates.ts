// The index's query scratch space: growable candidate buffers, and allocation-free searches of the
// kdbush / flatbush trees that fill them.
import Flatbush from 'flatbush';
import type { PolyRec } from './facility-parts';

/** Growable candidate buffers (typed arrays, reused across queries). */
export class Candidates {
	n = 0;
	kind = new Uint8Array(64); // 0 point, 1 segment, 2 small polygon
	ax = new Float64Array(64);
	ay = new Float64Array(64);
	bx = new Float64Array(64);
	by = new Float64Array(64);
	fac = new Int32Array(64);
	lb = new Float64Array(64);
	/** the polygon of a kind-2 element (a small polygon; ax, ay, bx, by its box) */
	refs: (PolyRec | undefined)[] = [];
	/** large polygons for the inside test */
	polys: PolyRec[] = [];
	clear() {
		this.n = 0;
		this.polys.length = 0;
	}
	private grow() {
		const cap = this.kind.length * 2;
		const g = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
			const b = new (a.constructor as { new (n: number): T })(cap);
			b.set(a);
			return b;
		};
		this.kind = g(this.kind);
		this.ax = g(this.ax);
		this.ay = g(this.ay);
		this.bx = g(this.bx);
		this.by = g(this.by);
		this.fac = g(this.fac);
		this.lb = g(this.lb);
	}
	push(kind: number, ax: number, ay: number, bx: number, by: number, fac: number, ref?: PolyRec) {
		if (this.n === this.kind.length) this.grow();
		const i = this.n++;
		this.refs[i] = ref;
		this.kind[i] = kind;
		this.ax[i] = ax;
		this.ay[i] = ay;
		this.bx[i] = bx;
		this.by[i] = by;
		this.fac[i] = fac;
	}
}

export const KD_STACK = new Int32Array(256 * 3);

/** A polygon whose box meets the element box: small → an element; large → the inside test when it meets the P box. */
export function pushPoly(poly: PolyRec, off: boolean, out: Candidates, pminX: number, pminY: number, pmaxX: number, pmaxY: number) {
	if (off) return;
	const q = poly.box;
	if (poly.small) out.push(2, q[0], q[1], q[2], q[3], poly.fac, poly);
	else if (!(q[0] > pmaxX || q[2] < pminX || q[1] > pmaxY || q[3] < pminY)) out.polys.push(poly);
}

/** Flatbush search into a reused buffer (the same walk as Flatbush#search, without allocating). */
const FB = { ids: new Int32Array(256), n: 0, stack: new Int32Array(512) };
interface FlatbushInternals {
	_boxes: Float64Array;
	_indices: Uint16Array | Uint32Array;
	_levelBounds: number[];
	numItems: number;
	nodeSize: number;
}
export function flatbushSearch(fb: Flatbush, minX: number, minY: number, maxX: number, maxY: number): typeof FB {
	const t = fb as unknown as FlatbushInternals;
	FB.n = 0;
	if (!t._boxes || !t._indices || !t._levelBounds) {
		for (const i of fb.search(minX, minY, maxX, maxY)) pushHit(i);
		return FB;
	}
	const boxes = t._boxes,
		indices = t._indices,
		levelBounds = t._levelBounds,
		nodeSize = t.nodeSize;
	const numItems4 = t.numItems * 4;
	let stack = FB.stack;
	let sp = 0;
	let nodeIndex = boxes.length - 4;
	let level = levelBounds.length - 1;
	for (;;) {
		const end = Math.min(nodeIndex + nodeSize * 4, levelBounds[level]);
		const isNode = nodeIndex >= numItems4;
		for (let pos = nodeIndex; pos < end; pos += 4) {
			if (maxX < boxes[pos] || maxY < boxes[pos + 1] || minX > boxes[pos + 2] || minY > boxes[pos + 3]) continue;
			const index = indices[pos >> 2] | 0;
			if (isNode) {
				if (sp + 2 > stack.length) {
					const bigger = new Int32Array(stack.length * 2);
					bigger.set(stack);
					FB.stack = stack = bigger;
				}
				stack[sp++] = index;
				stack[sp++] = level - 1;
			} else pushHit(index);
		}
		if (sp === 0) break;
		level = stack[--sp];
		nodeIndex = stack[--sp];
	}
	return FB;
}
function pushHit(i: number) {
	if (FB.n === FB.ids.length) {
		const bigger = new Int32Array(FB.ids.length * 2);
		bigger.set(FB.ids);
		FB.ids = bigger;
	}
	FB.ids[FB.n++] = i;
}
