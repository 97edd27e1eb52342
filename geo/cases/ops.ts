// Case operations as 数字城管 runs them (CJ/T 315 workflow): stages 立案 → 派遣 → 处置 → 核查 → 结案,
// one way only, except the named transitions: 退回 (send back to dispatch), 改派 (reassign),
// 返工 (rework: verification failed, back to handling, counted), 缓办 (postponement, requested then
// approved or refused) and 作废 (void, with a reason). Pure: which step is allowed from which stage,
// who may take it, what it needs, and where it leads. The database side is src/lib/server/cases/ops.ts.
import { GridAtlasError } from '../errors';

/** The stage a case is in: the step it waits for. */
export const STAGES = ['register', 'dispatch', 'handle', 'verify', 'close', 'closed', 'voided'] as const;
export type Stage = (typeof STAGES)[number];
/** Stages with a time limit (each subclass gives one per stage). */
export const TIMED_STAGES = ['register', 'dispatch', 'handle', 'verify', 'close'] as const;
export type TimedStage = (typeof TIMED_STAGES)[number];

export const ACTIONS = [
	'register', // 立案
	'dispatch', // 派遣
	'reassign', // 改派
	'send_back', // 退回
	'handle', // 处置完成（反馈）
	'postpone_request', // 缓办申请
	'postpone_approve', // 缓办批准
	'postpone_reject', // 缓办驳回
	'verify_pass', // 核查通过
	'verify_fail', // 核查不通过 → 返工
	'close', // 结案
	'void' // 作废
] as const;
export type Action = (typeof ACTIONS)[number];

/** Who takes a step: the command centre (受理、派遣、核查、结案、审批) or the handling side. */
export type Side = 'command' | 'handler';

export interface ActionRule {
	from: readonly Stage[];
	/** The stage it leads to; 'same' stays (the step is recorded, the clock may change). */
	to: Stage | 'same';
	side: Side;
	/** A reason must be given. */
	reason: boolean;
	zh: string;
	en: string;
}

const OPEN: readonly Stage[] = ['register', 'dispatch', 'handle', 'verify', 'close'];

export const ACTION_RULES: Record<Action, ActionRule> = {
	register: { from: ['register'], to: 'dispatch', side: 'command', reason: false, zh: '立案', en: 'register' },
	dispatch: { from: ['dispatch'], to: 'handle', side: 'command', reason: false, zh: '派遣', en: 'dispatch' },
	reassign: { from: ['handle'], to: 'handle', side: 'command', reason: true, zh: '改派', en: 'reassign' },
	send_back: { from: ['handle'], to: 'dispatch', side: 'handler', reason: true, zh: '退回', en: 'send back' },
	handle: { from: ['handle'], to: 'verify', side: 'handler', reason: false, zh: '处置反馈', en: 'report handled' },
	postpone_request: { from: ['handle'], to: 'same', side: 'handler', reason: true, zh: '申请缓办', en: 'request postponement' },
	postpone_approve: { from: ['handle'], to: 'same', side: 'command', reason: false, zh: '批准缓办', en: 'approve postponement' },
	postpone_reject: { from: ['handle'], to: 'same', side: 'command', reason: true, zh: '驳回缓办', en: 'refuse postponement' },
	verify_pass: { from: ['verify'], to: 'close', side: 'command', reason: false, zh: '核查通过', en: 'verification passed' },
	verify_fail: { from: ['verify'], to: 'handle', side: 'command', reason: true, zh: '核查不通过（返工）', en: 'verification failed (rework)' },
	close: { from: ['close'], to: 'closed', side: 'command', reason: false, zh: '结案', en: 'close' },
	void: { from: OPEN, to: 'voided', side: 'command', reason: true, zh: '作废', en: 'void' }
};

export const STAGE_NAMES: Record<Stage, { zh: string; en: string }> = {
	register: { zh: '待立案', en: 'awaiting registration' },
	dispatch: { zh: '待派遣', en: 'awaiting dispatch' },
	handle: { zh: '处置中', en: 'being handled' },
	verify: { zh: '待核查', en: 'awaiting verification' },
	close: { zh: '待结案', en: 'awaiting closure' },
	closed: { zh: '已结案', en: 'closed' },
	voided: { zh: '已作废', en: 'voided' }
};

export const STAGE_LIMIT_NAMES: Record<TimedStage, { zh: string; en: string }> = {
	register: { zh: '立案', en: 'registration' },
	dispatch: { zh: '派遣', en: 'dispatch' },
	handle: { zh: '处置', en: 'handling' },
	verify: { zh: '核查', en: 'verification' },
	close: { zh: '结案', en: 'closure' }
};

/** The stored case status each stage shows as (the live stream, the wall and the feeds read it). */
export const STAGE_STATUS: Record<Stage, string> = {
	register: 'reported',
	dispatch: 'registered',
	handle: 'dispatched',
	verify: 'handled',
	close: 'handled',
	closed: 'closed',
	voided: 'voided'
};

/** The stage of a case from its stored status (and whether it passed verification since its last handling). */
export function stageOf(status: string, verified: boolean): Stage {
	switch (status) {
		case 'reported':
			return 'register';
		case 'registered':
		case 'escalated':
			return 'dispatch';
		case 'dispatched':
			return 'handle';
		case 'handled':
			return verified ? 'close' : 'verify';
		case 'closed':
			return 'closed';
		default:
			return 'voided';
	}
}

export type Postponement = 'requested' | 'approved' | 'rejected' | null;

export class CaseStepError extends GridAtlasError {
	constructor(
		readonly code: 'unknown_action' | 'step_not_allowed' | 'reason_required' | 'not_your_side' | 'postponement' | 'bad_step',
		readonly zh: string,
		readonly en: string,
		readonly status: 400 | 403 | 409 = 409
	) {
		super(`${zh} / ${en}`, { code, zh, en, status });
		this.name = 'CaseStepError';
	}
}

export function isAction(value: unknown): value is Action {
	return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}

/**
 * Checks one step against the case's stage (and postponement), the actor's side and the reason;
 * returns the stage it leads to or throws CaseStepError naming the case, the rule and what to do.
 */
export function planStep(
	caseId: string,
	stage: Stage,
	action: string,
	options: { sides: readonly Side[]; reason?: string | null; postponement?: Postponement }
): Stage {
	if (!isAction(action)) {
		throw new CaseStepError(
			'unknown_action',
			`案件“${caseId}”：未知操作“${action}”，可用：${ACTIONS.join('、')}`,
			`case "${caseId}": unknown action "${action}"; use one of ${ACTIONS.join(', ')}`,
			400
		);
	}
	const rule = ACTION_RULES[action];
	if (!rule.from.includes(stage)) {
		const allowed = ACTIONS.filter((a) => ACTION_RULES[a].from.includes(stage));
		throw new CaseStepError(
			'step_not_allowed',
			`案件“${caseId}”${STAGE_NAMES[stage].zh}，不能“${rule.zh}”（流程只能向前，除退回、改派、返工、缓办、作废外）；此时可做：${allowed.map((a) => ACTION_RULES[a].zh).join('、') || '无'}`,
			`case "${caseId}" is ${STAGE_NAMES[stage].en} and cannot be given "${rule.en}" (the workflow only moves forward, except send back, reassign, rework, postponement and void); allowed now: ${allowed.map((a) => ACTION_RULES[a].en).join(', ') || 'none'}`
		);
	}
	if (!options.sides.includes(rule.side)) {
		throw new CaseStepError(
			'not_your_side',
			`案件“${caseId}”：“${rule.zh}”须由${rule.side === 'command' ? '指挥中心（领导或管理员）' : '处置方（网格员或管理员）'}操作`,
			`case "${caseId}": "${rule.en}" is for ${rule.side === 'command' ? 'the command centre (a leader or an admin)' : 'the handling side (a grid worker or an admin)'}`,
			403
		);
	}
	if (rule.reason && !options.reason?.trim()) {
		throw new CaseStepError('reason_required', `案件“${caseId}”：“${rule.zh}”须填写原因（reason）`, `case "${caseId}": "${rule.en}" needs a reason`, 400);
	}
	const p = options.postponement ?? null;
	if (action === 'postpone_request' && (p === 'requested' || p === 'approved')) {
		throw new CaseStepError(
			'postponement',
			`案件“${caseId}”已${p === 'requested' ? '申请' : '批准'}缓办，不能再次申请`,
			`case "${caseId}" already has a postponement ${p}; it cannot be requested again`
		);
	}
	if ((action === 'postpone_approve' || action === 'postpone_reject') && p !== 'requested') {
		throw new CaseStepError(
			'postponement',
			`案件“${caseId}”没有待审批的缓办申请，请先由处置方申请缓办`,
			`case "${caseId}" has no postponement request to decide; the handling side must request one first`
		);
	}
	return rule.to === 'same' ? stage : rule.to;
}

/**
 * The steps these sides may take on a case at this stage (and postponement), in workflow order: the
 * buttons of a case card. The same checks as planStep, bar the reason (asked for when chosen).
 */
export function availableActions(stage: Stage, sides: readonly Side[], postponement: Postponement = null): Action[] {
	return ACTIONS.filter((action) => {
		try {
			planStep('', stage, action, { sides, reason: 'x', postponement });
			return true;
		} catch (err) {
			if (err instanceof CaseStepError) return false;
			throw err;
		}
	});
}
