// Grid-plan shapes the browser reads too (editor, pages and API answers); no server code here.

import type { Polygon, MultiPolygon, FeatureCollection, LineString, MultiLineString } from 'geojson';
import type { Band, BalanceStats, Violation } from '$geo/partition';

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

export interface PlanFieldError {
	field: string;
	code: string;
	zh: string;
	en: string;
	/** Position of the grid / feature the error is about. */
	index?: number;
}

export type PlanErrorCode = 'unknown_community' | 'no_boundary' | 'bad_community' | 'bad_input' | 'unknown_revision' | 'bad_file' | 'plan_too_large';

export interface PlanDiff {
	from: RevisionSummary;
	to: RevisionSummary;
	/** Pieces of the community whose grid changed: from → to (null: in no grid), with their area. */
	areas: FeatureCollection<Areal, { from: string | null; to: string | null; area_m2: number }>;
	/** Buildings whose grid changed. */
	buildings: { id: string; from: string | null; to: string | null; households: number; lon: number; lat: number }[];
	/** Grids only in one of the two. */
	added: string[];
	removed: string[];
	totals: { areaM2: number; buildings: number; households: number };
}

export interface ProposalResult {
	mode: 'propose' | 'rebalance';
	grids: PlanGrid[];
	households: Record<string, number>;
	stats: BalanceStats;
	band: Band;
	feasible: boolean;
	explanation?: Bilingual;
	moved: number;
	violations: Violation[];
}
