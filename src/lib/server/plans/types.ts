// Grid plans (see ./index.ts): types.

import type { Polygon, MultiPolygon, FeatureCollection, LineString, MultiLineString } from 'geojson';
import type { Band, BalanceStats, Violation } from '../../../../geo/partition';

export type Areal = Polygon | MultiPolygon;
export type Bilingual = { zh: string; en: string };

export interface PlanGrid {
	code: string;
	name: string;
	kind: 'basic' | 'dedicated';
	geometry: Areal;
}

export interface RevisionSummary {
	id: number;
	communityCode: string;
	status: 'draft' | 'approved';
	note: string;
	author: string;
	createdAt: string;
	effectiveFrom: string | null;
	baseRevision: number | null;
	source: 'editor' | 'import' | 'proposal' | 'baseline';
	grids: number;
	stats: { households?: Record<string, number>; band?: Band; balance?: BalanceStats; warnings?: { kind: string; message: Bilingual }[] };
}

export interface PlanCommunity {
	code: string;
	name: string;
	subdistrictCode: string;
	subdistrictName: string | null;
	households: number | null;
	geometry: MultiPolygon;
	band: Band;
	illustrative: boolean;
}

export interface PlanBuildingInfo {
	id: string;
	lon: number;
	lat: number;
	households: number;
	estimated: boolean;
	/** The grid painted to in the plan being edited, if any. */
	painted: string | null;
	geometry: MultiPolygon;
}

export interface CurrentPlan {
	community: PlanCommunity;
	/** The layout the editor opens: the latest draft when it is newer than the latest approval, else the grids in force. */
	grids: PlanGrid[];
	/** The grids in force (the `grids` table). */
	inForce: PlanGrid[];
	openedFrom: { kind: 'grids' } | { kind: 'revision'; id: number; status: 'draft' | 'approved' };
	/** The latest revision: the baseRevision of the next save (null: none yet). */
	latestRevision: number | null;
	/** Highest grid sequence ever used in the community (grids, history, revisions): new grids number above it. */
	maxSeq: number;
	buildings: PlanBuildingInfo[];
	neighbours: FeatureCollection<Areal, { code: string; name: string; community_code: string }>;
	roads: FeatureCollection<LineString | MultiLineString, { name: string | null; highway: string }>;
	revisions: RevisionSummary[];
}

export interface SaveResult {
	revision: RevisionSummary;
	warnings: Violation[];
	/** Grids replaced in `grids` (approved saves). */
	replaced: { inserted: number; updated: number; deleted: number } | null;
}
