// Grid plans (see ./index.ts): small helpers shared by the stages.

import { isUnitCode } from '$geo/units/code';
import type { RevisionSummary } from './types';
import { PlanInputError } from './errors';

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_NOTE = 2000;
export const MAX_NAME = 100;

export function checkCommunityCode(code: string): void {
	if (!isUnitCode(code, 'community'))
		throw new PlanInputError('bad_community', { zh: `社区编码应为 12 位数字，收到 “${code}”`, en: `a community code is 12 digits, got "${code}"` });
}

/** Today's date in Beijing time (YYYY-MM-DD). */
export function beijingToday(now = Date.now()): string {
	return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

function isoDate(v: unknown): string | null {
	if (v === null || v === undefined) return null;
	if (v instanceof Date) return new Date(v.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
	return String(v).slice(0, 10);
}

export interface RevisionRow {
	id: number;
	community_code: string;
	status: 'draft' | 'approved';
	note: string;
	author: string;
	created_at: string | Date;
	effective_from: string | Date | null;
	base_revision: number | null;
	source: RevisionSummary['source'];
	stats: RevisionSummary['stats'];
	grids: number;
}

export const REVISION_COLUMNS = `r.id, r.community_code, r.status, r.note, r.author, r.created_at, r.effective_from::text AS effective_from,
	r.base_revision, r.source, r.stats, (SELECT count(*)::int FROM plan_revision_grids g WHERE g.revision_id = r.id) AS grids`;

export function summary(r: RevisionRow): RevisionSummary {
	return {
		id: Number(r.id),
		communityCode: r.community_code,
		status: r.status,
		note: r.note,
		author: r.author,
		createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : new Date(r.created_at).toISOString(),
		effectiveFrom: isoDate(r.effective_from),
		baseRevision: r.base_revision === null ? null : Number(r.base_revision),
		source: r.source,
		grids: r.grids,
		stats: typeof r.stats === 'string' ? JSON.parse(r.stats) : (r.stats ?? {})
	};
}
