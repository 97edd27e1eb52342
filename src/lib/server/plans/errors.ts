// Grid plans (see ./index.ts): errors, each with the status and answer fields it implies (see geo/errors.ts).

import { GridAtlasError } from '$geo/errors';
import type { Violation } from '$geo/partition';
import type { Bilingual, PlanErrorCode, PlanFieldError, RevisionSummary } from '../../plan/types';

export type { PlanErrorCode, PlanFieldError };

/** Bad input or an unknown community / revision: 400 or 404, with every field error listed. */
export class PlanInputError extends GridAtlasError {
	constructor(
		readonly code: PlanErrorCode,
		text: Bilingual,
		readonly errors: PlanFieldError[] = []
	) {
		const status = code === 'unknown_community' || code === 'unknown_revision' ? 404 : code === 'plan_too_large' ? 413 : 400;
		super(`${text.zh} / ${text.en}`, { code, status, details: { errors } });
	}
}

/** The plan breaks a hard rule (overlap, outside, gap, invalid geometry): nothing was written. */
export class PlanViolationError extends GridAtlasError {
	declare readonly code: 'plan_violations';
	constructor(
		readonly violations: Violation[],
		readonly warnings: Violation[]
	) {
		const n = violations.length;
		super(
			`方案有 ${n} 处硬性问题（重叠、超出社区、空隙或几何无效），未保存 / the plan breaks ${n} hard rule(s) (overlap, outside the community, gap or invalid geometry); nothing was saved`,
			{ code: 'plan_violations', status: 422, details: { errors: violations, warnings } }
		);
	}
}

/** The save was based on an older revision than the latest: reload and re-apply. */
export class PlanConflictError extends GridAtlasError {
	declare readonly code: 'plan_conflict';
	constructor(
		readonly latest: RevisionSummary,
		readonly baseRevision: number | null
	) {
		super(
			`社区方案已被 ${latest.author} 于 ${latest.createdAt} 保存为第 ${latest.id} 版（您基于${baseRevision === null ? '现行网格' : `第 ${baseRevision} 版`}编辑），请重新加载后再应用您的修改 / ` +
				`the plan was saved by ${latest.author} at ${latest.createdAt} as revision ${latest.id} (you edited ${baseRevision === null ? 'the current grids' : `revision ${baseRevision}`}): reload and re-apply your changes`,
			{ code: 'plan_conflict', status: 409, details: { latest, baseRevision } }
		);
	}
}
