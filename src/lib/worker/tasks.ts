// The worker's task list and how it is ordered: open cases first, the most urgent of them first
// (overdue, then warning, then by time left), then the newest; closed and voided ones last. Pure.
import type { CaseOpsView } from '../cases/types';

export interface TaskNote {
	id: string;
	kind: 'note' | 'take';
	body: string | null;
	actor: string;
	at: string;
}

export interface TaskPhoto {
	id: string;
	at: string;
	noteId: string | null;
}

export interface WorkerTask {
	id: string;
	category: string;
	status: string;
	description: string | null;
	reported_at: string;
	lon: number;
	lat: number;
	grid_code: string | null;
	/** The reporter's 小类 (a report from /m), when known. */
	subclass: string | null;
	/** Operations (null before 立案): stage, clock, steps. */
	ops: Pick<CaseOpsView, 'stage' | 'urgent' | 'clock' | 'assignees' | 'reworkCount' | 'subclass'> | null;
	/** The reason of the last rework (核查不通过) or send-back, when the case came back to handling. */
	returned: { action: string; reason: string | null; at: string } | null;
	/** Dispatched to the reader by name (case_ops.assignees). */
	mine: boolean;
	takenBy: string | null;
	notes: TaskNote[];
	photos: TaskPhoto[];
}

const CLOSED = new Set(['closed', 'voided']);
const STATE_RANK: Record<string, number> = { overdue: 0, warning: 1, ok: 2 };

export function isOpen(t: Pick<WorkerTask, 'status'>): boolean {
	return !CLOSED.has(t.status);
}

/** Most urgent first: open before done; then overdue, warning, ok, no clock; then less time left; urgent cases; newest. */
export function compareTasks(a: WorkerTask, b: WorkerTask): number {
	const open = Number(isOpen(b)) - Number(isOpen(a));
	if (open) return open;
	const rank = (t: WorkerTask) => (t.ops?.clock ? (STATE_RANK[t.ops.clock.state] ?? 3) : 3);
	const r = rank(a) - rank(b);
	if (r) return r;
	const left = (t: WorkerTask) => t.ops?.clock?.leftMin ?? Number.POSITIVE_INFINITY;
	if (left(a) !== left(b)) return left(a) - left(b);
	const urgent = Number(!!b.ops?.urgent) - Number(!!a.ops?.urgent);
	if (urgent) return urgent;
	return Date.parse(b.reported_at) - Date.parse(a.reported_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function sortTasks(tasks: WorkerTask[]): WorkerTask[] {
	return [...tasks].sort(compareTasks);
}

/** What the worker may do to a task now (the handling side's steps of geo/cases/ops). */
export function taskActions(t: Pick<WorkerTask, 'ops' | 'status' | 'takenBy'>): { take: boolean; handle: boolean; note: boolean } {
	const handling = t.ops?.stage === 'handle';
	return { take: isOpen(t as WorkerTask) && !t.takenBy, handle: handling, note: isOpen(t as WorkerTask) };
}
