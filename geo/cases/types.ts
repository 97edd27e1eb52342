// Cases' vocabulary: statuses, escalation levels, limits, an item and its errors, and the refusal of a
// whole body (CaseBodyError).
import { GridAtlasError } from '../errors';
import { CRS_NAMES, type CrsName } from '../types';

export const CASE_STATUSES = ['reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const ESCALATION_LEVELS = ['grid', 'community', 'subdistrict'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];
/** The regular workflow, in order; `escalated` may follow any open (not closed) state. */
export const WORKFLOW: CaseStatus[] = ['reported', 'registered', 'dispatched', 'handled', 'closed'];
export const MAX_BATCH = 5000;
export const MAX_DESCRIPTION = 4000;
/** Times outside these years are typos (or epoch seconds sent as milliseconds), not case times. */
export const EARLIEST_TIME = Date.UTC(1900, 0, 1);
export const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);

export const STATUS_ZH: Record<string, string> = {
	voided: '已作废',
	reported: '已上报',
	registered: '已立案',
	dispatched: '已派遣',
	handled: '已处置',
	closed: '已结案',
	escalated: '已上报升级'
};

export interface CaseMessage {
	zh: string;
	en: string;
}

export interface CaseItemError {
	index: number;
	/** The item's external id when it has one. */
	id: string | null;
	field: string;
	code: string;
	/** "中文 / English", as elsewhere in the API. */
	message: string;
	zh: string;
	en: string;
}

/** A validated item. Optional fields are undefined when the sender did not give them. */
export interface CaseItem {
	index: number;
	id: string;
	category?: string;
	status?: CaseStatus;
	escalationLevel?: EscalationLevel | null;
	/** Time of this status step (ISO); default: reported time for `reported`, else now. */
	statusAt?: string;
	source?: string | null;
	description?: string | null;
	reportedAt?: string;
	dueAt?: string | null;
	lon?: number;
	lat?: number;
}

export interface ParseOptions {
	/** Known categories: every accepted spelling (code, names, aliases, lower-cased) → code. */
	categories: Map<string, string>;
	crs?: CrsName;
	maxBatch?: number;
}

export interface ParsedBatch {
	items: CaseItem[];
	errors: CaseItemError[];
	/** How many items the body held. */
	received: number;
	crs: CrsName;
}

export class CaseBodyError extends GridAtlasError {
	constructor(
		readonly code: string,
		msg: CaseMessage
	) {
		super(`${msg.zh} / ${msg.en}`, { code });
		this.name = 'CaseBodyError';
	}
}

export function caseError(index: number, id: string | null, field: string, code: string, msg: CaseMessage): CaseItemError {
	return { index, id, field, code, message: `${msg.zh} / ${msg.en}`, zh: msg.zh, en: msg.en };
}

/** Lookup key for a category spelling. */
export const categoryKey = (text: string) => text.trim().toLowerCase();

export function isCrsName(value: unknown): value is CrsName {
	return typeof value === 'string' && (CRS_NAMES as readonly string[]).includes(value.toLowerCase());
}
