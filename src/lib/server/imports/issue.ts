// A feature's issue as an import reports it: where it is in the file, its id, the rule and the message.
import type { FeatureIssue } from '$geo/types';

export const issue = (r: { index: number; sourceId: string; code?: string }, rule: string, message: string): FeatureIssue => ({
	index: r.index,
	id: r.code ?? r.sourceId,
	rule,
	message
});
