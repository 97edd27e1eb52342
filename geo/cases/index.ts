// Cases (事件): pure validation of incoming items and the workflow rules, no database.
// parseCaseBatch turns a request body (one case, a JSON array, a GeoJSON Feature/FeatureCollection)
// into normalised WGS-84 items plus one error per bad item; planIngest compares them with what is
// stored and decides, per item, insert / update (a later status, or corrected fields) / unchanged
// (an identical re-send) / rejected (e.g. a status moving backwards).
export {
	CASE_STATUSES,
	CaseBodyError,
	caseError,
	type CaseItem,
	type CaseItemError,
	type CaseMessage,
	type CaseStatus,
	categoryKey,
	ESCALATION_LEVELS,
	type EscalationLevel,
	isCrsName,
	MAX_BATCH,
	MAX_DESCRIPTION,
	type ParsedBatch,
	type ParseOptions,
	WORKFLOW
} from './types';
export { parseCaseBatch, parseCaseItem, unwrapBody } from './parse';
export { type CaseEventPlan, type CaseWrite, type IngestPlan, type ItemOutcome, planIngest, type StoredCase, type Transition, transition } from './ingest';
