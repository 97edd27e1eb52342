// `gridatlas coverage [--community CODE] [--per-building] [--format csv|json]`: per-community-per-rule
// rows (community, rule, households total / covered, share, pass) or, with --per-building, every
// building's nearest distance per (metric:category), on stdout.
import { parseArgs } from 'node:util';
import { csvDocument, type CsvValue } from '../lib/csv';
import type { Db } from '../lib/server/db';
import { filterReport, getCoverage, perBuildingRows } from '../lib/server/coverage';

export class CoverageUsageError extends Error {}

export const COVERAGE_USAGE = `  gridatlas coverage [--community <12 digits>] [--per-building] [--format csv|json]
                              coverage compliance per community × rule (or per building) on stdout`;

export async function runCoverage(db: Db, args: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
	let values: { community?: string; 'per-building'?: boolean; format?: string };
	try {
		({ values } = parseArgs({ args, options: { community: { type: 'string' }, 'per-building': { type: 'boolean', default: false }, format: { type: 'string', default: 'csv' } } }));
	} catch (err) {
		throw new CoverageUsageError((err as Error).message);
	}
	const format = values.format ?? 'csv';
	if (format !== 'csv' && format !== 'json') throw new CoverageUsageError(`--format 须为 csv 或 json / --format must be csv or json (got ${format})`);
	const community = values.community ?? null;
	if (community !== null && !/^[0-9]{12}$/.test(community)) throw new CoverageUsageError(`--community 须为 12 位社区编码 / --community must be a 12-digit code (got ${community})`);
	const state = await getCoverage(db);
	if (community && !state.report.communities.some((c) => c.code === community)) {
		console.error(`未找到社区 ${community} / no community ${community}`);
		return 1;
	}
	if (values['per-building']) {
		const { columns, rows } = perBuildingRows(state, community);
		if (format === 'json') out(JSON.stringify(rows) + '\n');
		else out(csvDocument(columns, rows.map((r) => columns.map((c) => r[c] as CsvValue)), { bom: false }));
		return 0;
	}
	const report = filterReport(state.report, { community });
	const rows = report.cells.map((c) => ({
		community: c.community,
		rule: c.rule,
		households_total: c.householdsTotal,
		households_covered: c.householdsCovered,
		share: c.share === null ? null : Math.round(c.share * 1e6) / 1e6,
		pass: c.status === 'pass' || c.status === 'fail' ? c.status === 'pass' : null,
		status: c.status,
		households_short: c.householdsShort,
		metric_used: c.metricUsed
	}));
	if (format === 'json') {
		out(JSON.stringify(rows) + '\n');
	} else {
		const cols = Object.keys(rows[0] ?? { community: 0, rule: 0, households_total: 0, households_covered: 0, share: 0, pass: 0, status: 0, households_short: 0, metric_used: 0 });
		out(csvDocument(cols, rows.map((r) => cols.map((c) => (r as Record<string, CsvValue>)[c])), { bom: false }));
	}
	return 0;
}
