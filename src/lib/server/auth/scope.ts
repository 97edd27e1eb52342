// Jurisdiction as a row filter: the unit codes a principal may read, as SQL LIKE patterns
// (codes nest by prefix). null = the whole city, no filter. Every read of case rows goes through
// caseScopeSql (SQL) or unitInScope of caseRowUnit (rows already read, e.g. the live stream) —
// reading a unit above the jurisdiction (to drill down) must never yield a case, or a figure
// computed from one, outside it.
import { wholeCity, type Principal } from '../../auth/capabilities';

/** A reader's jurisdiction: null for the whole city, else unit codes (an empty list sees nothing). */
export type Scope = string[] | null;

/** null for a whole-city principal; otherwise its unit codes (an empty list sees nothing). */
export function readScope(principal: Principal | null | undefined): Scope {
	if (!principal) return [];
	return wholeCity(principal.units) ? null : principal.units;
}

export const likePatterns = (units: string[]) => units.map((u) => `${u}%`);

/** The unit a case row belongs to, for LIKE ANY(patterns): its grid, else community, else subdistrict. */
export const CASE_UNIT_SQL = (alias = '') => `coalesce(${alias}grid_code, ${alias}community_code, ${alias}subdistrict_code, '')`;

/**
 * ` AND <the case's unit> LIKE ANY($n)` limiting case rows (table alias `alias`, e.g. 'c.') to the
 * scope, its patterns pushed onto `params`; '' for the whole city. Also serves a unit filter
 * (`[unit]`): a unit and a jurisdiction narrow the rows alike.
 */
export function caseScopeSql(scope: Scope | undefined, params: unknown[], alias = ''): string {
	if (!scope) return '';
	params.push(likePatterns(scope));
	return ` AND ${CASE_UNIT_SQL(alias)} LIKE ANY($${params.length}::text[])`;
}

/** Does a unit code (a case's, as CASE_UNIT_SQL gives it; '' for none) lie inside the scope? */
export function unitInScope(scope: Scope | undefined, unit: string | null | undefined): boolean {
	if (!scope) return true;
	return !!unit && scope.some((u) => unit.startsWith(u));
}

/** The unit of a case row already read, as CASE_UNIT_SQL gives it: its grid, else community, else subdistrict ('' for none). */
export function caseRowUnit(row: { grid_code?: unknown; community_code?: unknown; subdistrict_code?: unknown; [column: string]: unknown }): string {
	return String(row.grid_code ?? row.community_code ?? row.subdistrict_code ?? '');
}
