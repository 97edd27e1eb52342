// The one base class of GridAtlas's errors, for geo/, the server and the browser alike: every
// refusal a planner may see is a GridAtlasError carrying the HTTP status it implies, a stable
// machine code, optionally its Chinese and English text apart, and any extra fields its JSON answer
// holds. The server turns any of them into one answer shape (src/lib/server/http/api-errors.ts:
// `{ message, code, zh?, en?, ...details }`); the CLI into its exit code.

export interface ErrorFacts {
	/** The HTTP status the error implies (default 400). */
	status?: number;
	/** A stable machine code, e.g. 'unknown_rule' (default 'bad_request'). */
	code?: string;
	/** The message in Chinese and in English apart, when the answer should carry both. */
	zh?: string;
	en?: string;
	/** Extra fields of the JSON answer, e.g. the field errors of a refused form. */
	details?: Record<string, unknown>;
	/** Seconds after which a retry may succeed (sent as Retry-After). */
	retryAfterS?: number;
}

export class GridAtlasError extends Error {
	readonly status: number;
	readonly code: string;
	readonly zh?: string;
	readonly en?: string;
	readonly details: Record<string, unknown>;
	readonly retryAfterS?: number;

	constructor(message: string, facts: ErrorFacts = {}) {
		super(message);
		this.name = new.target.name;
		this.status = facts.status ?? 400;
		this.code = facts.code ?? 'bad_request';
		this.zh = facts.zh;
		this.en = facts.en;
		this.details = facts.details ?? {};
		this.retryAfterS = facts.retryAfterS;
	}
}
