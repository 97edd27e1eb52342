// Jurisdiction as a row filter: the unit codes a principal may read, as SQL LIKE patterns
// (codes nest by prefix). null = the whole city, no filter.
import { wholeCity, type Principal } from '../../auth/capabilities';

/** null for a whole-city principal; otherwise its unit codes (an empty list sees nothing). */
export function readScope(principal: Principal | null | undefined): string[] | null {
	if (!principal) return [];
	return wholeCity(principal.units) ? null : principal.units;
}

export const likePatterns = (units: string[]) => units.map((u) => `${u}%`);

/** The unit a case row belongs to, for LIKE ANY(patterns): its grid, else community, else subdistrict. */
export const CASE_UNIT_SQL = (alias = '') =>
	`coalesce(${alias}grid_code, ${alias}community_code, ${alias}subdistrict_code, '')`;

/** Does a case (by its codes) lie inside the scope? */
export function caseInScope(scope: string[] | null, row: { grid_code?: unknown; community_code?: unknown; subdistrict_code?: unknown }): boolean {
	if (scope === null) return true;
	const unit = String(row.grid_code ?? row.community_code ?? row.subdistrict_code ?? '');
	return unit !== '' && scope.some((u) => unit.startsWith(u));
}
