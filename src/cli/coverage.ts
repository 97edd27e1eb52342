// `gridatlas coverage [--community CODE] [--all] [--per-building] [--format csv|json]`: per-community-
// per-rule rows (community and rule with their names, households total / covered, share, pass) or,
// with --per-building, every building's nearest distance per (metric:category), on stdout. The
// communities of the official code list without a building mapped (thousands in a city, all "no
// data") are left out unless --all asks for them or --community names one.
import { UsageError } from './usage-error';
import { parseArgs } from 'node:util';
import { csvDocument, type CsvValue } from '../lib/csv';
import type { Db } from '../lib/server/db';
import { filterReport, getCoverage, perBuildingRows } from '../lib/server/coverage';
import { communitiesWithData } from '../lib/coverage/with-data';
import { isUnitCode } from '$geo/units/code';

export class CoverageUsageError extends UsageError {}

const COLUMNS = [
	'community',
	'community_name',
	'subdistrict',
	'subdistrict_name',
	'rule',
	'rule_name',
	'households_total',
	'households_covered',
	'share',
	'pass',
	'status',
	'households_short',
	'metric_used'
] as const;

export const COVERAGE_USAGE = `  gridatlas coverage [--community <12 digits>] [--all] [--per-building] [--format csv|json]
                              coverage compliance per community × rule (or per building) on stdout;
                              communities with buildings only, unless --all`;

export async function runCoverage(
	db: Db,
	args: string[],
	out: (s: string) => void = (s) => process.stdout.write(s),
	err: (line: string) => void = (line) => console.error(line)
): Promise<number> {
	let values: { community?: string; all?: boolean; 'per-building'?: boolean; format?: string };
	try {
		({ values } = parseArgs({
			args,
			options: {
				community: { type: 'string' },
				all: { type: 'boolean', default: false },
				'per-building': { type: 'boolean', default: false },
				format: { type: 'string', default: 'csv' }
			}
		}));
	} catch (err) {
		throw new CoverageUsageError((err as Error).message);
	}
	const format = values.format ?? 'csv';
	if (format !== 'csv' && format !== 'json') throw new CoverageUsageError(`--format 须为 csv 或 json / --format must be csv or json (got ${format})`);
	const community = values.community ?? null;
	if (community !== null && !isUnitCode(community, 'community'))
		throw new CoverageUsageError(`--community 须为 12 位社区编码 / --community must be a 12-digit code (got ${community})`);
	const state = await getCoverage(db);
	if (community && !state.report.communities.some((c) => c.code === community)) {
		err(`未找到社区 ${community} / no community ${community}`);
		return 1;
	}
	if (values['per-building']) {
		const { columns, rows } = perBuildingRows(state, community);
		if (format === 'json') out(JSON.stringify(rows) + '\n');
		else
			out(
				csvDocument(
					columns,
					rows.map((r) => columns.map((c) => r[c] as CsvValue)),
					{ bom: false }
				)
			);
		return 0;
	}
	const report = filterReport(state.report, { community });
	const withData = community || values.all ? null : communitiesWithData(report);
	const communities = new Map(report.communities.map((c) => [c.code, c]));
	const rules = new Map(report.rules.map((r) => [r.id, r]));
	const rows = report.cells
		.filter((c) => !withData || withData.has(c.community))
		.map((c) => ({
			community: c.community,
			community_name: communities.get(c.community)?.name ?? null,
			subdistrict: communities.get(c.community)?.subdistrictCode ?? null,
			subdistrict_name: communities.get(c.community)?.subdistrictName ?? null,
			rule: c.rule,
			rule_name: rules.get(c.rule)?.nameZh ?? null,
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
		out(
			csvDocument(
				COLUMNS,
				rows.map((r) => COLUMNS.map((c) => r[c] as CsvValue)),
				{ bom: false }
			)
		);
	}
	return 0;
}
