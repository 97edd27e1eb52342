// The workflow rules and the ingest plan: per item, insert / update (a later status, or corrected
// fields) / unchanged (an identical re-send) / rejected (e.g. a status moving backwards).
import { caseError, type CaseItem, type CaseItemError, type CaseStatus, type EscalationLevel, STATUS_ZH, WORKFLOW } from './types';

export type Transition = 'same' | 'forward' | 'backward';
const LEVEL_RANK: Record<EscalationLevel, number> = { grid: 0, community: 1, subdistrict: 2 };

/**
 * reported → registered → dispatched → handled → closed. `escalated` (with a level) from any open
 * state; from escalated the case may be escalated further up, or be dispatched, handled or closed.
 */
export function transition(from: CaseStatus, fromLevel: EscalationLevel | null, to: CaseStatus, toLevel: EscalationLevel | null): Transition {
	// A voided case (作废, by the operations workflow) stays voided: no feed revives it.
	if ((from as string) === 'voided') return (to as string) === 'voided' ? 'same' : 'backward';
	if (from === to && (from !== 'escalated' || fromLevel === toLevel)) return 'same';
	if (to === 'escalated') {
		if (from === 'closed') return 'backward';
		if (from === 'escalated') return LEVEL_RANK[toLevel ?? 'grid'] > LEVEL_RANK[fromLevel ?? 'grid'] ? 'forward' : 'backward';
		return 'forward';
	}
	if (from === 'escalated') return WORKFLOW.indexOf(to) >= WORKFLOW.indexOf('dispatched') ? 'forward' : 'backward';
	return WORKFLOW.indexOf(to) > WORKFLOW.indexOf(from) ? 'forward' : 'backward';
}

/** A stored case, as planIngest needs it. */
export interface StoredCase {
	id: string;
	category: string;
	status: CaseStatus;
	escalationLevel: EscalationLevel | null;
	source: string | null;
	description: string | null;
	reportedAt: string;
	dueAt: string | null;
	lon: number;
	lat: number;
}

export interface CaseWrite extends StoredCase {
	isNew: boolean;
}

export interface CaseEventPlan {
	id: string;
	kind: 'new' | 'status' | 'update';
	status: CaseStatus;
	escalationLevel: EscalationLevel | null;
	at: string;
}

export type ItemOutcome = 'inserted' | 'updated' | 'unchanged' | 'rejected';

export interface IngestPlan {
	writes: CaseWrite[];
	events: CaseEventPlan[];
	outcomes: { index: number; id: string; outcome: ItemOutcome }[];
	errors: CaseItemError[];
	counts: { inserted: number; updated: number; unchanged: number; rejected: number };
}

const sameTime = (a: string | null | undefined, b: string | null | undefined) => (a == null || b == null ? a == b : Date.parse(a) === Date.parse(b));
const sameCoord = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/**
 * Decides what each valid item does against the stored cases (and the items before it in the same
 * batch). `dueHours` gives a new case's default due time by category.
 */
export function planIngest(items: CaseItem[], stored: Map<string, StoredCase>, options: { now?: Date; dueHours?: Map<string, number> } = {}): IngestPlan {
	const now = (options.now ?? new Date()).toISOString();
	const state = new Map(stored);
	const writes = new Map<string, CaseWrite>();
	const plan: IngestPlan = { writes: [], events: [], outcomes: [], errors: [], counts: { inserted: 0, updated: 0, unchanged: 0, rejected: 0 } };
	const reject = (item: CaseItem, e: CaseItemError) => {
		plan.errors.push(e);
		plan.outcomes.push({ index: item.index, id: item.id, outcome: 'rejected' });
		plan.counts.rejected++;
	};
	for (const item of items) {
		const before = state.get(item.id);
		// Built only for an error message (most items have none).
		const label = {
			get zh() {
				return `第 ${item.index + 1} 条（${item.id}）：`;
			},
			get en() {
				return `item ${item.index + 1} (${item.id}): `;
			}
		};
		if (!before) {
			const missing: string[] = [];
			if (item.lon === undefined || item.lat === undefined) missing.push('location');
			if (!item.category) missing.push('category');
			if (missing.length) {
				plan.errors.push(
					...missing.map((field) =>
						caseError(item.index, item.id, field, field === 'location' ? 'missing_coordinates' : 'missing_category', {
							zh: `${label.zh}新案件缺少${field === 'location' ? '坐标' : '类别'}`,
							en: `${label.en}a new case needs ${field === 'location' ? 'coordinates' : 'a category'}`
						})
					)
				);
				plan.outcomes.push({ index: item.index, id: item.id, outcome: 'rejected' });
				plan.counts.rejected++;
				continue;
			}
			const reportedAt = item.reportedAt ?? now;
			const status = item.status ?? 'reported';
			const hours = options.dueHours?.get(item.category!);
			const next: CaseWrite = {
				id: item.id,
				category: item.category!,
				status,
				escalationLevel: item.escalationLevel ?? null,
				source: item.source ?? null,
				description: item.description ?? null,
				reportedAt,
				dueAt: item.dueAt !== undefined ? item.dueAt : hours ? new Date(Date.parse(reportedAt) + hours * 3600_000).toISOString() : null,
				lon: item.lon!,
				lat: item.lat!,
				isNew: true
			};
			state.set(item.id, next);
			writes.set(item.id, next);
			plan.events.push({ id: item.id, kind: 'new', status: 'reported', escalationLevel: null, at: reportedAt });
			if (status !== 'reported') plan.events.push({ id: item.id, kind: 'status', status, escalationLevel: next.escalationLevel, at: item.statusAt ?? now });
			plan.outcomes.push({ index: item.index, id: item.id, outcome: 'inserted' });
			plan.counts.inserted++;
			continue;
		}
		const status = item.status ?? before.status;
		const level = item.status !== undefined ? (item.escalationLevel ?? null) : before.escalationLevel;
		const move = transition(before.status, before.escalationLevel, status, level);
		if (move === 'backward') {
			reject(
				item,
				caseError(item.index, item.id, 'status', 'status_backwards', {
					zh: `${label.zh}状态不能从“${STATUS_ZH[before.status]}”${before.escalationLevel ? `（${before.escalationLevel}）` : ''}退回到“${STATUS_ZH[status]}”${level ? `（${level}）` : ''}`,
					en: `${label.en}the status cannot move back from ${before.status}${before.escalationLevel ? ` (${before.escalationLevel})` : ''} to ${status}${level ? ` (${level})` : ''}`
				})
			);
			continue;
		}
		const next: CaseWrite = {
			id: item.id,
			category: item.category ?? before.category,
			status,
			escalationLevel: level,
			source: item.source !== undefined ? item.source : before.source,
			description: item.description !== undefined ? item.description : before.description,
			reportedAt: item.reportedAt ?? before.reportedAt,
			dueAt: item.dueAt !== undefined ? item.dueAt : before.dueAt,
			lon: item.lon ?? before.lon,
			lat: item.lat ?? before.lat,
			isNew: writes.get(item.id)?.isNew ?? false
		};
		const fieldsSame =
			next.category === before.category &&
			next.source === before.source &&
			next.description === before.description &&
			sameTime(next.reportedAt, before.reportedAt) &&
			sameTime(next.dueAt, before.dueAt) &&
			sameCoord(next.lon, before.lon) &&
			sameCoord(next.lat, before.lat);
		if (move === 'same' && fieldsSame) {
			plan.outcomes.push({ index: item.index, id: item.id, outcome: 'unchanged' });
			plan.counts.unchanged++;
			continue;
		}
		state.set(item.id, next);
		writes.set(item.id, next);
		plan.events.push({
			id: item.id,
			kind: move === 'forward' ? 'status' : 'update',
			status,
			escalationLevel: level,
			at: move === 'forward' ? (item.statusAt ?? now) : now
		});
		plan.outcomes.push({ index: item.index, id: item.id, outcome: 'updated' });
		plan.counts.updated++;
	}
	plan.writes = [...writes.values()];
	return plan;
}
