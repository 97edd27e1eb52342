import { FIELD_ALIASES as F } from '../properties';
import { toIsoTimestamp } from '../dates';
import { fail, type LayerBuilder } from './types';
import { shown } from '../text';

export const buildCase: LayerBuilder<'cases'> = ({ reader }) => {
	const category = reader.text(F.caseCategory);
	if (category === undefined) {
		return fail('missing-field', {
			zh: `缺少事件类别（列名 ${F.caseCategory.join('/')}）`,
			en: `the case category is missing (column ${F.caseCategory.join('/')})`
		});
	}
	const rawTime = reader.text(F.caseReportedAt);
	const reportedAt = rawTime === undefined ? undefined : toIsoTimestamp(rawTime);
	if (rawTime !== undefined && reportedAt === undefined) {
		return fail('date-format', {
			zh: `上报时间“${shown(rawTime)}”无法识别，请使用如 2024-05-01 10:30 或 2024-05-01T10:30:00+08:00 的格式`,
			en: `report time "${shown(rawTime)}" is not a date; use e.g. 2024-05-01 10:30 or 2024-05-01T10:30:00+08:00`
		});
	}
	return {
		ok: true,
		fields: {
			category,
			status: reader.text(F.caseStatus) ?? 'reported',
			source: reader.text(F.caseSource),
			reportedAt,
			description: reader.text(F.caseDescription)
		}
	};
};
