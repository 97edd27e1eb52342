import type { ImportSummary } from '../lib/server/imports';

/** The end-of-import report: counts first, then every repaired and rejected feature with its reason. */
export function formatSummary(s: ImportSummary, maxListed = 50): string {
	const lines = [
		`${s.dryRun ? '试运行（未写入）/ dry run (nothing written)' : '导入完成 / import done'}: ${s.fileName} → ${s.layer} (${s.format}${s.sheet ? ` 工作表 sheet “${s.sheet.name}” 表头 header row ${s.sheet.headerRow}` : ''}, ${s.crs})`,
		`  读取 read:      ${s.read}`,
		`  写入 written:   ${s.written} (新增 new ${s.inserted}, 更新 updated ${s.updated})`,
		`  修复 repaired:  ${s.repaired}`,
		`  拒绝 rejected:  ${s.rejected}`,
		`  用时 time:      ${(s.durationMs / 1000).toFixed(1)} s`
	];
	for (const [title, list] of [
		['修复 / repaired', s.repairedIssues],
		['拒绝 / rejected', s.rejectedIssues],
		['户数存疑 / doubtful households (written, check them)', s.flaggedIssues ?? []]
	] as const) {
		if (list.length === 0) continue;
		lines.push(`${title}:`);
		for (const i of list.slice(0, maxListed)) lines.push(`  [${i.rule}] ${i.message}`);
		if (list.length > maxListed) lines.push(`  … ${list.length - maxListed} more`);
	}
	return lines.join('\n');
}
