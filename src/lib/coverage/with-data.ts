// Which communities have anything to judge: a listed community with no building mapped is
// "no data" under every rule. The table hides them unless asked, the subdistrict filter offers only
// subdistricts that have some, and the CLI's CSV leaves them out unless --all.
import type { CoverageReport } from './types';

/** Codes of the communities with at least one building under some rule. */
export function communitiesWithData(report: Pick<CoverageReport, 'cells'>): Set<string> {
	return new Set(report.cells.filter((c) => c.buildings > 0).map((c) => c.community));
}

/** The subdistricts of the communities with data, in the report's order. */
export function subdistrictsWithData(report: Pick<CoverageReport, 'cells' | 'communities'>): { code: string; name: string }[] {
	const withData = communitiesWithData(report);
	const seen = new Map<string, string>();
	for (const c of report.communities) if (withData.has(c.code) && !seen.has(c.subdistrictCode)) seen.set(c.subdistrictCode, c.subdistrictName);
	return [...seen].map(([code, name]) => ({ code, name }));
}
