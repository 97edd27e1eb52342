// Snapping while drawing or dragging (Terra Draw's custom snapping): the pointer is pulled onto the
// nearest vertex (preferred) or edge of the community boundary, the other grids of the plan, the
// neighbouring communities' grids and the roads, within a few screen pixels.
import Flatbush from 'flatbush';
import type { Geometry, Position } from 'geojson';

export interface SnapTarget {
	/** Grid code, 'community', 'neighbour' or 'road': grids are skipped while that grid is edited. */
	owner: string;
	geometry: Geometry;
}

export class Snapper {
	private segs: number[] = [];
	private owners: string[] = [];
	private index: Flatbush | null = null;

	constructor(targets: SnapTarget[]) {
		for (const t of targets)
			for (const line of linesOf(t.geometry))
				for (let i = 0; i + 1 < line.length; i++) {
					this.segs.push(line[i][0], line[i][1], line[i + 1][0], line[i + 1][1]);
					this.owners.push(t.owner);
				}
		const n = this.owners.length;
		if (!n) return;
		this.index = new Flatbush(n);
		for (let i = 0; i < n; i++) {
			const s = this.segs;
			this.index.add(
				Math.min(s[4 * i], s[4 * i + 2]),
				Math.min(s[4 * i + 1], s[4 * i + 3]),
				Math.max(s[4 * i], s[4 * i + 2]),
				Math.max(s[4 * i + 1], s[4 * i + 3])
			);
		}
		this.index.finish();
	}

	/**
	 * The snapped position for a pointer at lng/lat (pixel distances through `project`), or undefined.
	 * `skip`: the owner being edited (its own edges do not attract).
	 */
	snap(lng: number, lat: number, project: (lng: number, lat: number) => { x: number; y: number }, tolerancePx = 10, skip?: string): Position | undefined {
		if (!this.index) return undefined;
		const p = project(lng, lat);
		const q = project(lng + 0.0001, lat + 0.0001);
		const degPerPx = 0.0001 / Math.max(1e-9, Math.min(Math.abs(q.x - p.x), Math.abs(q.y - p.y)));
		const r = tolerancePx * degPerPx;
		let bestV: Position | undefined,
			bestVd = Infinity,
			bestE: Position | undefined,
			bestEd = Infinity;
		for (const i of this.index.search(lng - r, lat - r, lng + r, lat + r)) {
			if (skip !== undefined && this.owners[i] === skip) continue;
			const s = this.segs;
			const a = [s[4 * i], s[4 * i + 1]],
				b = [s[4 * i + 2], s[4 * i + 3]];
			const pa = project(a[0], a[1]),
				pb = project(b[0], b[1]);
			for (const [v, pv] of [
				[a, pa],
				[b, pb]
			] as const) {
				const d = Math.hypot(pv.x - p.x, pv.y - p.y);
				if (d <= tolerancePx && d < bestVd) {
					bestVd = d;
					bestV = v;
				}
			}
			const dx = pb.x - pa.x,
				dy = pb.y - pa.y,
				len2 = dx * dx + dy * dy;
			if (!len2) continue;
			const t = Math.max(0, Math.min(1, ((p.x - pa.x) * dx + (p.y - pa.y) * dy) / len2));
			const d = Math.hypot(pa.x + t * dx - p.x, pa.y + t * dy - p.y);
			if (d <= tolerancePx && d < bestEd) {
				bestEd = d;
				bestE = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
			}
		}
		const out = bestV ?? bestE;
		return out ? [Math.round(out[0] * 1e7) / 1e7, Math.round(out[1] * 1e7) / 1e7] : undefined;
	}
}

function linesOf(g: Geometry): Position[][] {
	switch (g.type) {
		case 'LineString':
			return [g.coordinates];
		case 'MultiLineString':
		case 'Polygon':
			return g.coordinates;
		case 'MultiPolygon':
			return g.coordinates.flat();
		case 'GeometryCollection':
			return g.geometries.flatMap(linesOf);
		default:
			return [];
	}
}
