// A printable map snapshot as SVG paths (no WebGL, so it prints sharp and works in any PDF
// printer): WGS-84 → a local equirectangular frame scaled by cos(latitude), fitted to a box.
import type { Geometry, Position } from 'geojson';

export interface SnapshotFrame {
	width: number;
	height: number;
	project: (p: Position) => [number, number];
}

export function frameFor(bbox: [number, number, number, number], width: number, height: number, margin = 10): SnapshotFrame {
	const [minx, miny, maxx, maxy] = bbox;
	const k = Math.cos((((miny + maxy) / 2) * Math.PI) / 180);
	const w = Math.max((maxx - minx) * k, 1e-9);
	const h = Math.max(maxy - miny, 1e-9);
	const scale = Math.min((width - 2 * margin) / w, (height - 2 * margin) / h);
	const ox = (width - w * scale) / 2;
	const oy = (height - h * scale) / 2;
	return { width, height, project: (p) => [ox + (p[0] - minx) * k * scale, height - (oy + (p[1] - miny) * scale)] };
}

function ring(frame: SnapshotFrame, coords: Position[]): string {
	return (
		coords
			.map(
				(p, i) =>
					`${i ? 'L' : 'M'}${frame
						.project(p)
						.map((v) => v.toFixed(1))
						.join(' ')}`
			)
			.join('') + 'Z'
	);
}

/** An SVG path `d` for polygons (holes via even-odd), or a small square for points. */
export function pathOf(frame: SnapshotFrame, g: Geometry | null): string {
	if (!g) return '';
	if (g.type === 'Polygon') return g.coordinates.map((r) => ring(frame, r)).join('');
	if (g.type === 'MultiPolygon') return g.coordinates.flatMap((poly) => poly.map((r) => ring(frame, r))).join('');
	if (g.type === 'Point') {
		const [x, y] = frame.project(g.coordinates);
		return `M${(x - 2).toFixed(1)} ${(y - 2).toFixed(1)}h4v4h-4Z`;
	}
	return '';
}

export function bboxOfGeometries(geoms: (Geometry | null)[]): [number, number, number, number] | null {
	let b: [number, number, number, number] | null = null;
	const visit = (p: Position) => {
		b = b ? [Math.min(b[0], p[0]), Math.min(b[1], p[1]), Math.max(b[2], p[0]), Math.max(b[3], p[1])] : [p[0], p[1], p[0], p[1]];
	};
	const walk = (c: unknown): void => (typeof (c as number[])[0] === 'number' ? visit(c as Position) : (c as unknown[]).forEach(walk));
	for (const g of geoms) if (g && 'coordinates' in g) walk(g.coordinates);
	return b;
}
