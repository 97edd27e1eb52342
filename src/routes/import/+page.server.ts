// The upload page: one form action that hands the file to the importer and returns its summary,
// or the reason the whole file was refused.
import { JobError } from '$lib/server/jobs/errors';
import { fail } from '@sveltejs/kit';
import { GridAtlasError } from '$geo/errors';
import { ImportFileError, LAYERS, type LayerName } from '$geo/types';
import { parseImportCrs } from '$geo/crs/epsg-codes';
import { importFile, ImportLimitError, ImportRejectedError, maxImportBytes, type ImportSummary } from '$lib/server/imports';
import { failFrom } from '$lib/server/http/api-errors';
import { requireDb } from '$lib/server/runtime';
import { t, type Lang, type MessageKey } from '$lib/i18n';
import { resolveLang } from '$lib/i18n/server';
import type { Actions, PageServerLoad } from './$types';

/** Archives refused for what they would inflate to: too large, like an upload over the limit. */
const TOO_LARGE_RULES = new Set(['zip-bomb', 'archive-too-large']);

/** More rows than anyone reads in a browser table; the count says how many were left out. */
const MAX_ISSUES_SHOWN = 500;

// ?layer= (the readiness page's links) chooses the layer; anything else leaves the default.
export const load: PageServerLoad = async ({ url, cookies }) => {
	const asked = url.searchParams.get('layer');
	const layer = asked && (LAYERS as readonly string[]).includes(asked) ? asked : null;
	return { lang: resolveLang(url, cookies), maxBytes: maxImportBytes(), layer };
};

interface ImportValues {
	layer: string;
	crs: string;
	dryRun: boolean;
	strict: boolean;
	illustrative: boolean;
	sheet: string;
	headerRow: string;
}

export const actions: Actions = {
	default: async ({ request, url, cookies }) => {
		const lang = resolveLang(url, cookies);
		const form = await request.formData();
		const file = form.get('file');
		const values: ImportValues = {
			layer: String(form.get('layer') ?? ''),
			crs: String(form.get('crs') ?? 'wgs84'),
			dryRun: form.get('dryRun') === 'on',
			strict: form.get('strict') === 'on',
			illustrative: form.get('illustrative') === 'on',
			sheet: String(form.get('sheet') ?? '').trim(),
			headerRow: String(form.get('headerRow') ?? '').trim()
		};
		const refuse = (status: number, title: string, message: string, extra: Record<string, unknown> = {}) =>
			fail(status, { values, error: { title, message, ...extra } });

		if (!(file instanceof File) || (file.size === 0 && file.name === '')) {
			return refuse(400, t(lang, 'import.fileError'), t(lang, 'import.noFile'));
		}
		if (!(LAYERS as readonly string[]).includes(values.layer)) {
			return refuse(400, t(lang, 'import.fileError'), t(lang, 'import.badLayer'));
		}
		const crs = parseImportCrs(values.crs);
		if (!crs.ok) return refuse(400, t(lang, 'import.fileError'), `${crs.text.zh} / ${crs.text.en}`);
		if (values.headerRow !== '' && !/^[1-9][0-9]{0,5}$/.test(values.headerRow)) {
			return refuse(400, t(lang, 'import.fileError'), t(lang, 'import.badSheet'));
		}

		try {
			const summary = await importFile(requireDb(), {
				fileName: file.name,
				bytes: new Uint8Array(await file.arrayBuffer()),
				layer: values.layer as LayerName,
				crs: crs.crs,
				sheet: { name: values.sheet || undefined, headerRow: values.headerRow ? Number(values.headerRow) : undefined },
				dryRun: values.dryRun,
				strict: values.strict,
				illustrative: values.illustrative || undefined
			});
			return { values, summary: trimIssues(summary) };
		} catch (err) {
			if (err instanceof GridAtlasError) return failFrom(err, lang, { status: refusalStatus, fields: (e) => ({ values, error: refusal(lang, e) }) });
			// The details (a database message, a stack) are for the log, not the page.
			const id = crypto.randomUUID().slice(0, 8);
			console.error(`[error ${id}] import failed:`, err);
			return refuse(500, t(lang, 'import.unexpectedError'), `编号 / id ${id}`);
		}
	}
};

/** A refused file's status: an archive refused for what it would inflate to is too large, like an upload over the limit. */
const refusalStatus = (e: GridAtlasError) => (e instanceof ImportFileError ? (TOO_LARGE_RULES.has(e.rule) ? 413 : 422) : e.status);

/** What the page's ImportError card shows of a refused file: a title by kind, the message, and the kind's details. */
function refusal(lang: Lang, e: GridAtlasError) {
	const shown = (title: MessageKey, extra: Record<string, unknown> = {}) => ({ title: t(lang, title), message: e.message, ...extra });
	if (e instanceof ImportFileError) return shown('import.fileError', { rule: e.rule, file: e.file });
	if (e instanceof ImportLimitError) return shown('import.limitError');
	if (e instanceof JobError) return shown(e.code === 'job_memory' ? 'import.limitError' : 'import.fileError', { code: e.code });
	if (e instanceof ImportRejectedError) {
		return shown('import.rejectedError', { issues: e.rejected.slice(0, MAX_ISSUES_SHOWN), more: Math.max(0, e.rejected.length - MAX_ISSUES_SHOWN) });
	}
	return shown('import.fileError');
}

function trimIssues(s: ImportSummary) {
	return {
		...s,
		repairedIssues: s.repairedIssues.slice(0, MAX_ISSUES_SHOWN),
		rejectedIssues: s.rejectedIssues.slice(0, MAX_ISSUES_SHOWN),
		flaggedIssues: s.flaggedIssues.slice(0, MAX_ISSUES_SHOWN),
		flaggedMore: Math.max(0, s.flaggedIssues.length - MAX_ISSUES_SHOWN),
		repairedMore: Math.max(0, s.repairedIssues.length - MAX_ISSUES_SHOWN),
		rejectedMore: Math.max(0, s.rejectedIssues.length - MAX_ISSUES_SHOWN)
	};
}
