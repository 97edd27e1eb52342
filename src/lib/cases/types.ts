// Case-operation shapes the browser reads too (pages and API answers); no server code here.
import type { Limit, ClockState, LimitUnit } from '$geo/cases/worktime';
import type { Stage, TimedStage, Postponement } from '$geo/cases/ops';
import type { Rate, RateKey, ScoreCounts, ScoreRow } from '$geo/cases/scorecard';

export type StageLimits = Record<TimedStage, Limit>;

export interface CaseClass {
	code: string;
	kind: 'event' | 'part';
	name_zh: string;
	name_en: string;
}

export interface CaseSubclass {
	code: string;
	class_code: string;
	name_zh: string;
	name_en: string;
	department_code: string;
	urgent_default: boolean;
	limits: { normal: StageLimits; urgent: StageLimits };
}

export interface CaseDepartment {
	code: string;
	name_zh: string;
	name_en: string;
}

export interface Taxonomy {
	classes: CaseClass[];
	subclasses: CaseSubclass[];
	departments: CaseDepartment[];
	/** The existing categories and the subclass each maps onto. */
	categories: { code: string; name_zh: string; name_en: string; subclass_code: string | null }[];
}

export interface CaseStep {
	id: number;
	action: string;
	from_stage: Stage;
	to_stage: Stage;
	actor: string;
	reason: string | null;
	at: string;
	due_at: string | null;
	late: boolean;
	details: Record<string, unknown>;
}

export interface CaseOpsView {
	stage: Stage;
	subclass: { code: string; name_zh: string; name_en: string };
	urgent: boolean;
	department: { code: string; name_zh: string; name_en: string };
	assignees: string[];
	postponement: Postponement;
	postponeDays: number | null;
	reworkCount: number;
	reassignCount: number;
	sendBackCount: number;
	registeredAt: string;
	handleDueAt: string | null;
	late: boolean;
	/** The open stage's clock (null once closed or voided). */
	clock: {
		stage: Stage;
		startedAt: string;
		dueAt: string;
		unit: LimitUnit;
		limitMin: number;
		usedMin: number;
		leftMin: number;
		share: number;
		state: ClockState;
		left: { zh: string; en: string };
	} | null;
	steps: CaseStep[];
}

export const SCORE_LEVELS = ['grid', 'community', 'subdistrict', 'department', 'worker'] as const;
export type ScoreLevel = (typeof SCORE_LEVELS)[number];

/** name: Chinese (community + grid for grids); name_en: English where the unit has one (departments). */
export type ScorecardRow = ScoreRow & { name: string; name_en: string };

export interface Scorecard {
	level: ScoreLevel;
	period: { kind: string; from: string; to: string; label: string };
	previous: { from: string; to: string; label: string };
	asOf: string;
	scheme: { id: string; name_zh: string; name_en: string; source: string; max: number; minDue: number };
	total: { counts: ScoreCounts; rates: Record<RateKey, Rate> };
	rows: ScorecardRow[];
	/** The reader's units when narrower than the city (the figures are theirs only). */
	scope: string[] | null;
}

/** A case's photo as its card lists it: who took it and when, and where the camera says it was. */
export interface CasePhoto {
	id: string;
	at: string;
	actor: string;
	/** the camera's time (EXIF), when the phone read one */
	takenAt: string | null;
	/** the camera's position (EXIF), WGS-84 */
	exif: { lon: number; lat: number } | null;
	/** metres from the case's position to the camera's (null without one) */
	offsetM: number | null;
}
