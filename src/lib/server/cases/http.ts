// The HTTP side of case operations: one mapping of their typed errors to answers.
import { apiError } from '../api-errors';
import { CaseStepError } from '../../../../geo/cases/ops';
import { SchemeError } from '../../../../geo/cases/scorecard';
import { TaxonomyError } from './taxonomy';

export async function opsAnswer(work: () => Promise<Response>): Promise<Response> {
	try {
		return await work();
	} catch (err) {
		if (err instanceof CaseStepError) return apiError(err.status, err.message, { code: err.code, zh: err.zh, en: err.en });
		if (err instanceof TaxonomyError) return apiError(err.code === 'bad_limits' ? 500 : 400, err.message, { code: err.code, zh: err.zh, en: err.en });
		if (err instanceof SchemeError) return apiError(400, err.message, { code: 'bad_scorecard' });
		throw err;
	}
}
