// The plan editor's calls to /api/plans/<community>: typed answers, and the server's refusals as
// ApiError (status + the shared error body {message, code, errors?, latest?}).
import type { CurrentPlan, PlanDiff, PlanFieldError, PlanGrid, ProposalResult, RevisionSummary, SaveResult } from './types';
import type { Violation } from '$geo/partition';
import { GridAtlasError } from '$geo/errors';

export interface ErrorBody {
	message: string;
	code?: string;
	errors?: (PlanFieldError | Violation)[];
	latest?: RevisionSummary;
}

/** The server's refusal as the browser sees it: the answer's status and body. */
export class ApiError extends GridAtlasError {
	constructor(
		readonly status: number,
		readonly body: ErrorBody
	) {
		super(body.message, { status, code: body.code ?? 'refused' });
	}
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
	const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
	const text = await res.text();
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = { message: `${res.status} ${text.slice(0, 200)}` };
	}
	if (!res.ok) throw new ApiError(res.status, body as ErrorBody);
	return body as T;
}

export const planApi = (community: string) => {
	const base = `/api/plans/${community}`;
	return {
		load: () => call<CurrentPlan>(base),
		save: (input: {
			grids: PlanGrid[];
			assignments: Record<string, string>;
			note: string;
			status: 'draft' | 'approved';
			baseRevision: number | null;
			effectiveFrom: string | null;
			band?: { min: number; max: number };
		}) => call<SaveResult>(base, { method: 'POST', body: JSON.stringify(input) }),
		propose: (input: { mode: 'propose' | 'rebalance'; target?: number | null; grids?: PlanGrid[] }) =>
			call<ProposalResult>(`${base}/propose`, { method: 'POST', body: JSON.stringify(input) }),
		diff: (from: number, to: number) => call<PlanDiff>(`${base}/diff?from=${from}&to=${to}`),
		revisions: async () => (await call<CurrentPlan>(base)).revisions,
		importFile: async (file: File, baseRevision: number | null) =>
			call<SaveResult>(`${base}/import?name=${encodeURIComponent(file.name)}&baseRevision=${baseRevision ?? 'null'}`, {
				method: 'POST',
				body: file,
				headers: { 'content-type': file.type || 'application/octet-stream' }
			})
	};
};

/** One line per refused item, in the page's language. */
export function errorLines(body: ErrorBody, lang: 'zh' | 'en'): string[] {
	return (body.errors ?? []).map((e) => ('message' in e && typeof e.message === 'object' ? e.message[lang] : (e as PlanFieldError)[lang]));
}
