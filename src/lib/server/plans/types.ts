// Grid plans (see ./index.ts): types, kept browser-side in $lib/plan/types.

export type { Areal, Bilingual, PlanGrid, RevisionSummary, PlanCommunity, PlanBuildingInfo, CurrentPlan, SaveResult } from '../../plan/types';
