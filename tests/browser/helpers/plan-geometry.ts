// Plain geometry for the grid-planning editor's browser tests (tests/browser/plan-*.test.ts): a grid's
// ring and box, point in polygon, and a point well inside a polygon (to click it).

type Shape = { type: string; coordinates: any };

/** The outer ring of a grid (Polygon or MultiPolygon), without its closing point. */
export function ring(g: { geometry: Shape }): number[][] {
	const r: number[][] = g.geometry.type === 'Polygon' ? g.geometry.coordinates[0] : g.geometry.coordinates[0][0];
	return r.slice(0, -1);
}

/** The shortest edge of a grid's outer ring, in metres (near Nanjing). */
export function minEdgeM(g: { geometry: Shape }): number {
	const r = ring(g);
	return Math.min(
		...r.map((p, i) => {
			const q = r[(i + 1) % r.length];
			return Math.hypot((q[0] - p[0]) * 94_400, (q[1] - p[1]) * 110_900);
		})
	);
}

export function bbox(g: { geometry: { coordinates: any } }): number[] {
	return bboxOfCoords(g.geometry.coordinates.flat(3));
}

function bboxOfCoords(flat: number[]): number[] {
	const xs = flat.filter((_, i) => i % 2 === 0),
		ys = flat.filter((_, i) => i % 2 === 1);
	return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export function bboxArea(g: { geometry: { coordinates: any } }): number {
	const [x0, y0, x1, y1] = bbox(g);
	return (x1 - x0) * (y1 - y0);
}

export function pointInGeometry([x, y]: number[], g: Shape): boolean {
	const polys: number[][][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	return polys.some((poly) => {
		let hit = false;
		for (const r of poly)
			for (let i = 0, j = r.length - 1; i < r.length; j = i++)
				if (r[i][1] > y !== r[j][1] > y && x < ((r[j][0] - r[i][0]) * (y - r[i][1])) / (r[j][1] - r[i][1]) + r[i][0]) hit = !hit;
		return hit;
	});
}

/** A point well inside a polygon: the middle of the widest run of a scanline through its middle. */
export function interiorPoint(g: Shape): number[] {
	const [x0, y0, x1, y1] = bboxOfCoords(g.coordinates.flat(3));
	let best = [(x0 + x1) / 2, (y0 + y1) / 2],
		width = -1;
	for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
		const y = y0 + (y1 - y0) * f;
		const xs: number[] = [];
		const polys: number[][][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
		for (const poly of polys)
			for (const r of poly)
				for (let i = 0, j = r.length - 1; i < r.length; j = i++)
					if (r[i][1] > y !== r[j][1] > y) xs.push(r[i][0] + ((y - r[i][1]) * (r[j][0] - r[i][0])) / (r[j][1] - r[i][1]));
		xs.sort((a, b) => a - b);
		for (let i = 0; i + 1 < xs.length; i += 2)
			if (xs[i + 1] - xs[i] > width) {
				width = xs[i + 1] - xs[i];
				best = [(xs[i] + xs[i + 1]) / 2, y];
			}
	}
	return best;
}
