// Network scenarios (issue 21 part 3): store — the saved edits; compute — a scenario against the
// current coverage. The edits themselves and their locality argument: geo/network/scenario.ts.
export { createScenario, deleteScenario, getScenario, listScenarios, parseScenarioId, ScenarioError, updateScenario, MAX_SCENARIOS } from './store';
export { MAX_SCENARIO_BUILDINGS, scenarioResult } from './compute';
