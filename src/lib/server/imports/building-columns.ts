// A batch of buildings as the writer sends it (layers/buildings writeBuildingBatch: a column an array,
// the footprints' WKB end to end), made on the worker that reads the file: the writing thread, which
// on the embedded engine is also the database's, only sends it. The implausible-household flags are
// found here too; the writer keeps those of the buildings it does not reject. So is each footprint's
// interior point, by which the writer places it.
import type { MultiPolygon, Polygon } from 'geojson';
import type { RecordBatch } from '$geo/import';
import type { FeatureIssue } from '$geo/types';
import { writeWkb } from '$geo/tiles/wkb';
import { concatBytes } from '$geo/archive';
import { implausibleMessage, implausibleReasons } from '$geo/households/plausibility';
import type { BuildingColumns } from '../layers/buildings';
import { interiorPoint } from '$geo/placement/interior-point';
import { issue } from './issue';

export interface BuildingsPart {
	columns: BuildingColumns;
	flagged: FeatureIssue[];
	repaired: FeatureIssue[];
	fraction: number;
}

export function buildingsPart(batch: RecordBatch<'buildings'>): BuildingsPart {
	const { records } = batch;
	const wkb = records.map((r) => writeWkb(r.geometry as Polygon | MultiPolygon));
	const points = records.map((r) => interiorPoint(r.geometry as Polygon | MultiPolygon));
	const flagged: FeatureIssue[] = [];
	for (const r of records) {
		const reasons = implausibleReasons({
			households: r.households,
			estimated: r.householdsEstimated,
			footprintM2: r.footprintM2,
			levels: r.levels ?? null,
			name: r.name
		});
		if (reasons.length) flagged.push(issue(r, 'implausible-households', implausibleMessage(r, reasons)));
	}
	const columns: BuildingColumns = {
		i: records.map((r) => r.index),
		len: wkb.map((w) => w.byteLength),
		fix: records.map((r) => r.repair === 'make-valid'),
		source_id: records.map((r) => r.sourceId),
		name: records.map((r) => r.name ?? null),
		footprint_m2: records.map((r) => r.footprintM2),
		levels: records.map((r) => r.levels ?? null),
		levels_source: records.map((r) => r.levelsSource),
		height_m: records.map((r) => r.heightM ?? null),
		households: records.map((r) => r.households),
		households_estimated: records.map((r) => r.householdsEstimated),
		households_estimate: records.map((r) => r.householdsEstimate),
		x: points.map((p) => p?.[0] ?? NaN),
		y: points.map((p) => p?.[1] ?? NaN),
		wkb: concatBytes(wkb)
	};
	return { columns, flagged, repaired: batch.repaired, fraction: batch.fraction };
}

/** Buildings [from, to) of the columns (a statement's share of a part). */
export function sliceColumns(c: BuildingColumns, from: number, to: number): BuildingColumns {
	let start = 0;
	for (let k = 0; k < from; k++) start += c.len[k];
	let end = start;
	for (let k = from; k < to; k++) end += c.len[k];
	const cut = <T>(a: T[]) => a.slice(from, to);
	return {
		i: cut(c.i),
		len: cut(c.len),
		fix: cut(c.fix),
		source_id: cut(c.source_id),
		name: cut(c.name),
		footprint_m2: cut(c.footprint_m2),
		levels: cut(c.levels),
		levels_source: cut(c.levels_source),
		height_m: cut(c.height_m),
		households: cut(c.households),
		households_estimated: cut(c.households_estimated),
		households_estimate: cut(c.households_estimate),
		x: cut(c.x),
		y: cut(c.y),
		wkb: c.wkb.subarray(start, end)
	};
}
