// The operations workflow: one way, except the named transitions; sides, reasons, postponement.
import { describe, expect, it } from 'vitest';
import { ACTIONS, ACTION_RULES, availableActions, CaseStepError, planStep, stageOf, STAGES, type Stage } from './ops';

const both = { sides: ['command', 'handler'] as const };

describe('case operations workflow', () => {
	it('runs 立案 → 派遣 → 处置 → 核查 → 结案 forward', () => {
		let stage: Stage = 'register';
		for (const action of ['register', 'dispatch', 'handle', 'verify_pass', 'close']) stage = planStep('C1', stage, action, both);
		expect(stage).toBe('closed');
	});
	it('moves backwards only by the named transitions', () => {
		const backwards: string[] = [];
		for (const a of ACTIONS) {
			const rule = ACTION_RULES[a];
			for (const from of rule.from) {
				const to = rule.to === 'same' ? from : rule.to;
				if (STAGES.indexOf(to) < STAGES.indexOf(from)) backwards.push(`${a}: ${from} → ${to}`);
			}
		}
		expect(backwards.sort()).toEqual(['send_back: handle → dispatch', 'verify_fail: verify → handle']);
	});
	it('refuses any other step, saying what is allowed now', () => {
		expect(() => planStep('C1', 'closed', 'handle', both)).toThrow(/已结案.*不能“处置反馈”/);
		expect(() => planStep('C1', 'verify', 'dispatch', both)).toThrow(/allowed now: verification passed, verification failed \(rework\), void/);
		expect(() => planStep('C1', 'voided', 'void', both)).toThrow(CaseStepError);
		expect(() => planStep('C1', 'handle', 'fly', both)).toThrow(/unknown action "fly"/);
	});
	it('needs a reason for send back, reassign, rework, postponement and void', () => {
		expect(() => planStep('C1', 'handle', 'send_back', both)).toThrow(/须填写原因/);
		expect(() => planStep('C1', 'verify', 'verify_fail', { ...both, reason: '  ' })).toThrow(/needs a reason/);
		expect(planStep('C1', 'verify', 'verify_fail', { ...both, reason: '井盖仍缺失' })).toBe('handle');
		expect(planStep('C1', 'dispatch', 'void', { ...both, reason: '重复上报' })).toBe('voided');
	});
	it('keeps command steps for the command centre and handling steps for the handling side', () => {
		expect(() => planStep('C1', 'register', 'register', { sides: ['handler'] })).toThrow(/command centre/);
		expect(() => planStep('C1', 'handle', 'handle', { sides: ['command'] })).toThrow(/handling side/);
		try {
			planStep('C1', 'register', 'register', { sides: ['handler'] });
		} catch (e) {
			expect((e as CaseStepError).status).toBe(403);
		}
	});
	it('postponement: requested once, then approved or refused', () => {
		expect(planStep('C1', 'handle', 'postpone_request', { ...both, reason: '需采购配件' })).toBe('handle');
		expect(() => planStep('C1', 'handle', 'postpone_request', { ...both, reason: 'x', postponement: 'requested' })).toThrow(
			/already has a postponement requested/
		);
		expect(() => planStep('C1', 'handle', 'postpone_approve', both)).toThrow(/no postponement request/);
		expect(planStep('C1', 'handle', 'postpone_approve', { ...both, postponement: 'requested' })).toBe('handle');
	});
	it('reads the stage from the stored status', () => {
		expect(['reported', 'registered', 'escalated', 'dispatched', 'closed', 'voided'].map((s) => stageOf(s, false))).toEqual([
			'register',
			'dispatch',
			'dispatch',
			'handle',
			'closed',
			'voided'
		]);
		expect([stageOf('handled', false), stageOf('handled', true)]).toEqual(['verify', 'close']);
	});

	it('offers each side the steps it may take now, in workflow order', () => {
		expect(availableActions('register', ['command'])).toEqual(['register', 'void']);
		expect(availableActions('register', ['handler'])).toEqual([]);
		expect(availableActions('handle', ['handler'])).toEqual(['send_back', 'handle', 'postpone_request']);
		expect(availableActions('handle', ['command'])).toEqual(['reassign', 'void']);
		expect(availableActions('handle', ['command'], 'requested')).toEqual(['reassign', 'postpone_approve', 'postpone_reject', 'void']);
		expect(availableActions('handle', ['handler'], 'approved')).toEqual(['send_back', 'handle']);
		expect(availableActions('verify', ['command', 'handler'])).toEqual(['verify_pass', 'verify_fail', 'void']);
		expect(availableActions('closed', ['command', 'handler'])).toEqual([]);
	});
});
