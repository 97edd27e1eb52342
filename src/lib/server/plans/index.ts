// Grid plans of a community (issue 6): load the plan for the editor, save revisions (drafts and
// approved layouts), list / get / diff revisions, export and import layouts. All SQL of plans is in
// this folder, parameterised. Every save is validated with geo/partition — the same code the editor runs in
// the browser — and an approved save replaces the community's grids in one transaction.

export type { Bilingual, PlanGrid, RevisionSummary, PlanCommunity, PlanBuildingInfo, CurrentPlan, SaveResult } from './types';
export { type PlanFieldError, type PlanErrorCode, PlanInputError, PlanViolationError, PlanConflictError } from './errors';
export { checkCommunityCode, beijingToday } from './util';
export { getCommunity, listRevisions, loadPlan } from './load';
export { parseGrids, parseAssignments } from './parse';
export { type SaveInput, type SaveOptions, savePlan } from './save';
export { getRevision, type PlanDiff, diffRevisions } from './revisions';
export { type ProposalResult, proposePlan } from './propose';
export { EXPORT_CSV_COLUMNS, EXPORT_SHP_FIELDS, type ExportFile, exportPlan, importPlanFile } from './transfer';
