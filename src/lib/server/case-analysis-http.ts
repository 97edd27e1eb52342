// The HTTP side of case analytics: one error mapping for the analysis routes.
import { apiError } from './api-errors';
import { CaseQueryError } from './case-analysis';

export async function answer(work: () => Promise<Response>): Promise<Response> {
	try {
		return await work();
	} catch (err) {
		if (err instanceof CaseQueryError) return apiError(400, err.message, { code: err.code });
		throw err;
	}
}
