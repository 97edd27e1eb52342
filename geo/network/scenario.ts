// Network scenarios: a planner's edits to the walking network — a new footpath or footbridge, a compound
// gate opened (each a line whose two ends join the network), a gate or a road segment closed (a line
// drawn across the ways it closes) — applied to a copy of the network, never to the imported one.
//
// Locality: an edit changes walking distances only near it. Every way it touches (the new line, the
// edges it splits to attach to, the edges it closes) lies in its `changed` box. A building's distance to
// the nearest facility within maxM can change only when its path or its attachment can touch a changed
// way, i.e. when it lies within maxM + 2 × the snap distance of a changed box (`scenarioReach`): the
// scenario recomputes those buildings, from the facilities that can reach them, on the edited network
// cut to the region those paths can use — exact, and proportional to the edited area, not the city.
// Ends of a new line join the nearest way within SCENARIO_ATTACH_M (split there); an end farther than
// that stays a dead end and is reported. A new line crosses other ways without joining them (a bridge).
// A closing line cuts every way it crosses at the crossing: both sides stay (a home beside a closed
// gate still stands on its street), but nobody walks through the cut.
import type { EdgeList, WalkGraph } from './graph-types';
import { graphFromEdgeList, segmentM } from './graph-build';
import { snapPoints } from './graph-snap';
import { bandOf, expandBox, type Band } from '../measure/ruler';
import { GridAtlasError } from '../errors';

export const SCENARIO_EDIT_KINDS = ['footpath', 'footbridge', 'gate_open', 'gate_close', 'road_close'] as const;
export type ScenarioEditKind = (typeof SCENARIO_EDIT_KINDS)[number];
/** Edits that add a way (the others close the ways they cross). */
export const opensWay = (kind: ScenarioEditKind) => kind === 'footpath' || kind === 'footbridge' || kind === 'gate_open';

/** An end of a new way joins the nearest way within this many metres. */
export const SCENARIO_ATTACH_M = 50;
/** Bounds of one scenario: edits, vertices per edit and in all (every saved scenario is listed whole), metres per edit. */
export const SCENARIO_LIMITS = { edits: 100, vertices: 200, totalVertices: 2000, lengthM: 5000 } as const;

export interface ScenarioEdit {
	kind: ScenarioEditKind;
	/** The drawn line, [lon, lat] pairs. */
	coordinates: [number, number][];
	/** Optional label shown with the edit. */
	label?: string;
}

export class ScenarioEditError extends GridAtlasError {
	constructor(zh: string, en: string, details: Record<string, unknown> = {}) {
		super(`${zh} / ${en}`, { code: 'bad_scenario_edit', status: 400, zh, en, details });
	}
}

/** Checks a scenario's edits as sent by a client (any JSON), returning them typed. */
export function parseScenarioEdits(input: unknown): ScenarioEdit[] {
	if (!Array.isArray(input)) throw new ScenarioEditError('edits 应为编辑的列表', 'edits must be a list of edits');
	if (input.length > SCENARIO_LIMITS.edits)
		throw new ScenarioEditError(`一个情景最多 ${SCENARIO_LIMITS.edits} 处编辑`, `a scenario holds at most ${SCENARIO_LIMITS.edits} edits`);
	const total = input.reduce((n: number, e) => n + (Array.isArray((e as ScenarioEdit | null)?.coordinates) ? (e as ScenarioEdit).coordinates.length : 0), 0);
	if (total > SCENARIO_LIMITS.totalVertices)
		throw new ScenarioEditError(
			`一个情景的编辑合计最多 ${SCENARIO_LIMITS.totalVertices} 个点（收到 ${total}）`,
			`a scenario's edits hold at most ${SCENARIO_LIMITS.totalVertices} points in all (got ${total})`
		);
	return input.map((raw, i) => {
		const n = i + 1;
		const e = raw as Partial<ScenarioEdit> | null;
		if (!e || typeof e !== 'object') throw new ScenarioEditError(`第 ${n} 处编辑不是对象`, `edit ${n} is not an object`, { edit: n });
		if (!SCENARIO_EDIT_KINDS.includes(e.kind as ScenarioEditKind))
			throw new ScenarioEditError(
				`第 ${n} 处编辑的类型须为 ${SCENARIO_EDIT_KINDS.join('、')} 之一`,
				`edit ${n}: kind must be one of ${SCENARIO_EDIT_KINDS.join(', ')}`,
				{
					edit: n
				}
			);
		const c = e.coordinates;
		if (!Array.isArray(c) || c.length < 2 || c.length > SCENARIO_LIMITS.vertices)
			throw new ScenarioEditError(
				`第 ${n} 处编辑须是 2–${SCENARIO_LIMITS.vertices} 个点的线`,
				`edit ${n} must be a line of 2–${SCENARIO_LIMITS.vertices} points`,
				{ edit: n }
			);
		const coordinates = c.map((p) => {
			const ok = Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
			if (!ok)
				throw new ScenarioEditError(`第 ${n} 处编辑含无效坐标（应为经度、纬度）`, `edit ${n} has an invalid coordinate (longitude, latitude expected)`, {
					edit: n
				});
			return [Number(p[0]), Number(p[1])] as [number, number];
		});
		let length = 0;
		for (let k = 1; k < coordinates.length; k++) length += segmentM(coordinates[k - 1][0], coordinates[k - 1][1], coordinates[k][0], coordinates[k][1]);
		if (length > SCENARIO_LIMITS.lengthM)
			throw new ScenarioEditError(
				`第 ${n} 处编辑长 ${Math.round(length)} 米，超过 ${SCENARIO_LIMITS.lengthM} 米`,
				`edit ${n} is ${Math.round(length)} m long, over ${SCENARIO_LIMITS.lengthM} m`,
				{ edit: n }
			);
		if (length === 0) throw new ScenarioEditError(`第 ${n} 处编辑长度为 0`, `edit ${n} has zero length`, { edit: n });
		const label = typeof e.label === 'string' ? e.label.trim().slice(0, 60) : undefined;
		return { kind: e.kind as ScenarioEditKind, coordinates, ...(label ? { label } : {}) };
	});
}

/** Where an edit's end joins the base network. */
interface Attachment {
	edge: number;
	t: number;
}

export interface EditOutcome {
	/** Base ways this edit closes (a closing edit), or splits to attach to (an opening one). */
	edges: number;
	/** Opening edits: whether each end joined a way within SCENARIO_ATTACH_M. */
	attached: [boolean, boolean] | null;
}

export interface ScenarioChanges {
	edits: ScenarioEdit[];
	outcomes: EditOutcome[];
	/** Opening edits' ends (null: a dead end). */
	ends: ([Attachment | null, Attachment | null] | null)[];
	/** Base edges cut by closing lines: edge → fractions along it where they are crossed. */
	cuts: Map<number, number[]>;
	/** Base edges split to attach new ways: edge → fractions along it. */
	splits: Map<number, number[]>;
	/** Boxes [minLon, minLat, maxLon, maxLat] holding every changed way, one per edit. */
	changed: Float64Array[];
}

function lineBox(coords: ArrayLike<number>, from: number, to: number, box: Float64Array): Float64Array {
	for (let k = from; k < to; k++) {
		const x = coords[2 * k];
		const y = coords[2 * k + 1];
		if (x < box[0]) box[0] = x;
		if (y < box[1]) box[1] = y;
		if (x > box[2]) box[2] = x;
		if (y > box[3]) box[3] = y;
	}
	return box;
}

const emptyBox = () => Float64Array.of(Infinity, Infinity, -Infinity, -Infinity);
const boxesMeet = (a: ArrayLike<number>, b: ArrayLike<number>) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/** The edges of g whose box meets any of the boxes, in order: one tight pass over the city, no object per edge. */
export function edgesMeeting(g: WalkGraph, boxes: ArrayLike<number>[]): Uint32Array {
	const all = emptyBox();
	for (const b of boxes) lineBox(b, 0, 2, all);
	const c = g.edgeCoords;
	const off = g.edgeCoordOffsets;
	const out: number[] = [];
	for (let e = 0; e < g.edgeCount; e++) {
		let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity; // prettier-ignore
		for (let k = off[e]; k < off[e + 1]; k++) {
			const x = c[2 * k];
			const y = c[2 * k + 1];
			if (x < x0) x0 = x;
			if (x > x1) x1 = x;
			if (y < y0) y0 = y;
			if (y > y1) y1 = y;
		}
		if (x0 > all[2] || x1 < all[0] || y0 > all[3] || y1 < all[1]) continue;
		for (const b of boxes) {
			if (x0 <= b[2] && b[0] <= x1 && y0 <= b[3] && b[1] <= y1) {
				out.push(e);
				break;
			}
		}
	}
	return Uint32Array.from(out);
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
	const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
	return v > 0 ? 1 : v < 0 ? -1 : 0;
}

const within = (a: number, b: number, c: number) => Math.min(a, b) <= c && c <= Math.max(a, b);

/** Whether segments ab and cd meet (crossing or touching). */
export function segmentsMeet(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
	const o1 = orient(ax, ay, bx, by, cx, cy);
	const o2 = orient(ax, ay, bx, by, dx, dy);
	const o3 = orient(cx, cy, dx, dy, ax, ay);
	const o4 = orient(cx, cy, dx, dy, bx, by);
	if (o1 !== o2 && o3 !== o4) return true;
	if (o1 === 0 && within(ax, bx, cx) && within(ay, by, cy)) return true;
	if (o2 === 0 && within(ax, bx, dx) && within(ay, by, dy)) return true;
	if (o3 === 0 && within(cx, dx, ax) && within(cy, dy, ay)) return true;
	return o4 === 0 && within(cx, dx, bx) && within(cy, dy, by);
}

/**
 * Fractions along base edge e (by geodesic length, as cutEdge measures) where the line crosses or
 * touches it; empty when it does not.
 */
function crossings(base: WalkGraph, e: number, line: [number, number][]): number[] {
	const c = base.edgeCoords;
	const k0 = base.edgeCoordOffsets[e];
	const k1 = base.edgeCoordOffsets[e + 1];
	const lengths: number[] = [];
	for (let k = k0; k < k1 - 1; k++) lengths.push(segmentM(c[2 * k], c[2 * k + 1], c[2 * k + 2], c[2 * k + 3]));
	const total = lengths.reduce((a, b) => a + b, 0);
	const ts: number[] = [];
	let before = 0;
	for (let k = k0; k < k1 - 1; k++) {
		const ax = c[2 * k],
			ay = c[2 * k + 1],
			bx = c[2 * k + 2],
			by = c[2 * k + 3];
		for (let j = 0; j < line.length - 1; j++) {
			const [cx, cy] = line[j];
			const [dx, dy] = line[j + 1];
			if (!segmentsMeet(ax, ay, bx, by, cx, cy, dx, dy)) continue;
			// where along ab: the crossing of the two lines, or (parallel) the nearer end of cd projected onto ab
			const rx = bx - ax,
				ry = by - ay,
				sx = dx - cx,
				sy = dy - cy;
			const den = rx * sy - ry * sx;
			const len2 = rx * rx + ry * ry;
			let u = den !== 0 ? ((cx - ax) * sy - (cy - ay) * sx) / den : len2 > 0 ? ((cx - ax) * rx + (cy - ay) * ry) / len2 : 0;
			u = Math.min(1, Math.max(0, u));
			ts.push(total > 0 ? (before + u * lengths[k - k0]) / total : 0);
		}
		before += lengths[k - k0];
	}
	return ts;
}

/** What the edits do to the base network: ways closed, ways split, ends joined, and where. */
export function scenarioChanges(base: WalkGraph, edits: ScenarioEdit[]): ScenarioChanges {
	const cuts = new Map<number, number[]>();
	const splits = new Map<number, number[]>();
	const outcomes: EditOutcome[] = [];
	const ends: ScenarioChanges['ends'] = [];
	const changed: Float64Array[] = [];
	const c = base.edgeCoords;
	const off = base.edgeCoordOffsets;
	const edgeBox = (e: number, box = emptyBox()) => lineBox(c, off[e], off[e + 1], box);
	const lineBoxOf = (edit: ScenarioEdit) => lineBox(edit.coordinates.flat(), 0, edit.coordinates.length, emptyBox());
	// the ways any closing line can cross, in one pass over the city
	const closing = edits.filter((e) => !opensWay(e.kind));
	const crossable = closing.length > 0 ? edgesMeeting(base, closing.map(lineBoxOf)) : new Uint32Array(0);
	for (const edit of edits) {
		const box = emptyBox();
		lineBox(edit.coordinates.flat(), 0, edit.coordinates.length, box);
		if (opensWay(edit.kind)) {
			const first = edit.coordinates[0];
			const last = edit.coordinates[edit.coordinates.length - 1];
			const snap = base.edgeCount > 0 ? snapPoints(base, [first[0], last[0]], [first[1], last[1]], SCENARIO_ATTACH_M) : null;
			const at = (i: number): Attachment | null => (snap && snap.edge[i] >= 0 ? { edge: snap.edge[i], t: snap.t[i] } : null);
			const pair: [Attachment | null, Attachment | null] = [at(0), at(1)];
			let touched = 0;
			for (const a of pair) {
				if (!a) continue;
				touched++;
				edgeBox(a.edge, box);
				const ts = splits.get(a.edge) ?? [];
				ts.push(a.t);
				splits.set(a.edge, ts);
			}
			ends.push(pair);
			outcomes.push({ edges: touched, attached: [pair[0] !== null, pair[1] !== null] });
		} else {
			const lineB = lineBoxOf(edit);
			let count = 0;
			for (const e of crossable) {
				if (!boxesMeet(edgeBox(e), lineB)) continue;
				const ts = crossings(base, e, edit.coordinates);
				if (ts.length === 0) continue;
				if (!cuts.has(e)) count++;
				cuts.set(e, [...(cuts.get(e) ?? []), ...ts]);
				edgeBox(e, box);
			}
			ends.push(null);
			outcomes.push({ edges: count, attached: null });
		}
		changed.push(box);
	}
	for (const ts of splits.values()) ts.sort((a, b) => a - b);
	for (const ts of cuts.values()) ts.sort((a, b) => a - b);
	return { edits, outcomes, ends, cuts, splits, changed };
}

export interface ScenarioReach {
	/** Buildings inside any of these boxes may walk differently. */
	buildings: Float64Array[];
	/** Facilities that can reach those buildings lie inside these. */
	facilities: Float64Array[];
	/** Every way those walks and attachments can use lies inside these. */
	network: Float64Array[];
}

/** The boxes of scenarioChanges' locality argument for walks of at most maxM, attachments of at most snapM. */
export function scenarioReach(changes: ScenarioChanges, maxM: number, snapM: number): ScenarioReach {
	const band: Band = bandOf(0, 0, { kxLo: 0, kxHi: 0, kyLo: 0, kyHi: 0 });
	const grow = (b: Float64Array, r: number) => expandBox(b[0], b[1], b[2], b[3], r, new Float64Array(4), band);
	const buildings = changes.changed.filter((b) => b[0] <= b[2]).map((b) => grow(b, maxM + 2 * snapM));
	const facilities = buildings.map((b) => grow(b, maxM + 2 * snapM));
	const network = facilities.map((b) => grow(b, snapM));
	return { buildings, facilities, network };
}

/** Whether (lon, lat) lies in any of the boxes. */
export function inBoxes(boxes: Float64Array[], lon: number, lat: number): boolean {
	for (const b of boxes) if (lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3]) return true;
	return false;
}

/** Pieces of base edge e cut at the sorted fractions ts (lengths in proportion, as snapping measures along an edge). */
function cutEdge(base: WalkGraph, e: number, ts: number[]): { coords: number[]; lengthM: number; t0: number; t1: number }[] {
	const c = base.edgeCoords;
	const k0 = base.edgeCoordOffsets[e];
	const k1 = base.edgeCoordOffsets[e + 1];
	const cum = [0];
	for (let k = k0; k < k1 - 1; k++) cum.push(cum[cum.length - 1] + segmentM(c[2 * k], c[2 * k + 1], c[2 * k + 2], c[2 * k + 3]));
	const total = cum[cum.length - 1];
	const at = (t: number): [number, number, number] => {
		// the point at fraction t and the index of the segment holding it
		const want = t * total;
		for (let j = 0; j < cum.length - 1; j++) {
			if (want <= cum[j + 1] || j === cum.length - 2) {
				const d = cum[j + 1] - cum[j];
				const u = d > 0 ? Math.min(1, Math.max(0, (want - cum[j]) / d)) : 0;
				const k = k0 + j;
				return [c[2 * k] + u * (c[2 * k + 2] - c[2 * k]), c[2 * k + 1] + u * (c[2 * k + 3] - c[2 * k + 1]), j];
			}
		}
		return [c[2 * k0], c[2 * k0 + 1], 0];
	};
	const cuts = [0, ...ts.filter((t) => t > 0 && t < 1), 1].filter((t, i, a) => i === 0 || t !== a[i - 1]);
	const pieces: { coords: number[]; lengthM: number; t0: number; t1: number }[] = [];
	for (let p = 0; p < cuts.length - 1; p++) {
		const t0 = cuts[p];
		const t1 = cuts[p + 1];
		const [x0, y0, j0] = t0 === 0 ? [c[2 * k0], c[2 * k0 + 1], 0] : at(t0);
		const [x1, y1, j1] = t1 === 1 ? [c[2 * (k1 - 1)], c[2 * (k1 - 1) + 1], cum.length - 2] : at(t1);
		const coords = [x0, y0];
		for (let j = j0 + 1; j <= j1; j++) coords.push(c[2 * (k0 + j)], c[2 * (k0 + j) + 1]);
		coords.push(x1, y1);
		pieces.push({ coords, lengthM: (t1 - t0) * base.edgeLength[e], t0, t1 });
	}
	return pieces;
}

/**
 * The edited network: the base network's ways (only those meeting `region` when given — a scenario's
 * local recompute; boxes, or the edges meeting them from edgesMeeting when several networks are cut
 * to the same region), cut where closing lines cross them, split where new ways join them, plus the new ways. Every component
 * is kept (a closure may cut a neighbourhood off; it still walks within itself); the base network's
 * separate pieces (islands) stay for snapping. The ways keep the base network's order (the pieces of a
 * cut way in its place, the new ways last), so a point equally near two ways attaches as on the base
 * network and on any other cut of it.
 */
export function scenarioGraph(base: WalkGraph, changes: ScenarioChanges, region: Float64Array[] | Uint32Array | null = null): WalkGraph {
	const nodeLon: number[] = [];
	const nodeLat: number[] = [];
	const nodeOf = new Map<number, number>();
	const baseNode = (n: number) => {
		let i = nodeOf.get(n);
		if (i === undefined) {
			nodeOf.set(n, (i = nodeLon.length));
			nodeLon.push(base.nodeLon[n]);
			nodeLat.push(base.nodeLat[n]);
		}
		return i;
	};
	const freeNode = (lon: number, lat: number) => {
		nodeLon.push(lon);
		nodeLat.push(lat);
		return nodeLon.length - 1;
	};
	const from: number[] = [];
	const to: number[] = [];
	const lengths: number[] = [];
	const offsets: number[] = [0];
	const coords: number[] = [];
	const addEdge = (a: number, b: number, lengthM: number, line: ArrayLike<number>) => {
		from.push(a);
		to.push(b);
		lengths.push(lengthM);
		for (let k = 0; k < line.length; k++) coords.push(line[k]);
		offsets.push(coords.length / 2);
	};
	// where each attached edge is split: (edge, t) → node
	const splitNode = new Map<string, number>();
	const c = base.edgeCoords;
	const off = base.edgeCoordOffsets;
	const inRegion = region === null ? null : region instanceof Uint32Array ? region : edgesMeeting(base, region);
	const count = inRegion ? inRegion.length : base.edgeCount;
	for (let n = 0; n < count; n++) {
		const e = inRegion ? inRegion[n] : n;
		const attach = changes.splits.get(e);
		const cut = changes.cuts.get(e);
		if (!attach && !cut) {
			addEdge(baseNode(base.edgeFrom[e]), baseNode(base.edgeTo[e]), base.edgeLength[e], c.subarray(2 * off[e], 2 * off[e + 1]));
			continue;
		}
		const isCut = (t: number) => cut?.includes(t) ?? false;
		const inner = [...new Set([...(attach ?? []), ...(cut ?? [])])].filter((t) => t > 0 && t < 1).sort((a, b) => a - b);
		const pieces = cutEdge(base, e, inner);
		// a cut at an end detaches the edge from that end's node; at a fraction inside, the two sides get nodes of their own
		const startNode = cut?.some((t) => t <= 0) ? freeNode(pieces[0].coords[0], pieces[0].coords[1]) : baseNode(base.edgeFrom[e]);
		let prev = startNode;
		pieces.forEach((piece, p) => {
			const x = piece.coords[piece.coords.length - 2];
			const y = piece.coords[piece.coords.length - 1];
			let next: number;
			if (p === pieces.length - 1) next = cut?.some((t) => t >= 1) ? freeNode(x, y) : baseNode(base.edgeTo[e]);
			else {
				next = freeNode(x, y);
				splitNode.set(`${e}:${piece.t1}`, next);
			}
			addEdge(prev, next, piece.lengthM, piece.coords);
			prev = p < pieces.length - 1 && isCut(piece.t1) ? freeNode(x, y) : next;
		});
	}
	// the new ways, each end at its attachment (an edge's end node, a cut, or a dead end)
	changes.edits.forEach((edit, i) => {
		const pair = changes.ends[i];
		if (!pair) return;
		const line = edit.coordinates;
		const endNode = (a: Attachment | null, p: [number, number]): [number, [number, number]] => {
			if (!a) return [freeNode(p[0], p[1]), p];
			const onEdge = (t: number): [number, number] => {
				const n = t <= 0 ? base.edgeFrom[a.edge] : base.edgeTo[a.edge];
				return [base.nodeLon[n], base.nodeLat[n]];
			};
			if (a.t <= 0 || a.t >= 1) return [baseNode(a.t <= 0 ? base.edgeFrom[a.edge] : base.edgeTo[a.edge]), onEdge(a.t)];
			const n = splitNode.get(`${a.edge}:${a.t}`);
			// the attached edge lies outside the region: the end is a dead end here
			if (n === undefined) return [freeNode(p[0], p[1]), p];
			return [n, [nodeLon[n], nodeLat[n]]];
		};
		const [a, pa] = endNode(pair[0], line[0]);
		const [b, pb] = endNode(pair[1], line[line.length - 1]);
		const pts: [number, number][] = [pa, ...line, pb].filter((p, k, all) => k === 0 || p[0] !== all[k - 1][0] || p[1] !== all[k - 1][1]);
		let lengthM = 0;
		for (let k = 1; k < pts.length; k++) lengthM += segmentM(pts[k - 1][0], pts[k - 1][1], pts[k][0], pts[k][1]);
		if (pts.length < 2 || lengthM === 0) return;
		addEdge(a, b, lengthM, pts.flat());
	});
	const list: EdgeList = {
		nodeLon: Float64Array.from(nodeLon),
		nodeLat: Float64Array.from(nodeLat),
		edgeFrom: Uint32Array.from(from),
		edgeTo: Uint32Array.from(to),
		edgeLength: Float64Array.from(lengths),
		edgeCoordOffsets: Uint32Array.from(offsets),
		edgeCoords: Float64Array.from(coords)
	};
	const g = graphFromEdgeList(list, { allComponents: true, keepOrder: true });
	if (base.islandCoords && base.islandCoordOffsets) {
		g.islandCoords = base.islandCoords;
		g.islandCoordOffsets = base.islandCoordOffsets;
	}
	return g;
}
