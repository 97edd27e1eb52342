// The working calendar (工作日历) of case time limits: a year's holidays and make-up workdays (the
// exceptions to Monday–Friday) and the working periods of a day; administrators ('cases:configure')
// replace a year's exceptions here, in one transaction, as PUT /api/cases/calendar/<year> does.
import { requireDb } from '$lib/server/runtime';
import { calendarYear, checkYearDays, replaceYear } from '$lib/server/cases/taxonomy';
import { intParam } from '$lib/server/http/params';
import { failFrom } from '$lib/server/http/api-errors';
import { resolveLang } from '$lib/i18n/server';
import { can } from '$lib/auth/capabilities';
import type { Actions, PageServerLoad } from './$types';

const thisYear = () => Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));

export const load: PageServerLoad = async ({ url, cookies, locals }) => {
	const year = intParam(url.searchParams.get('year'), 'year', { min: 2000, max: 2100, fallback: thisYear() });
	const db = requireDb();
	const [settings] = await db.query<{ periods: [number, number][] }>('SELECT periods FROM work_calendar_settings');
	return {
		lang: resolveLang(url, cookies),
		year,
		periods: settings?.periods ?? [],
		days: await calendarYear(db, year),
		canEdit: can(locals.user, 'cases:configure')
	};
};

export const actions: Actions = {
	save: async ({ request, url, cookies }) => {
		const year = intParam(url.searchParams.get('year'), 'year', { min: 2000, max: 2100, fallback: thisYear() });
		const form = await request.formData();
		const [day, kind, name, drop] = ['day', 'kind', 'name', 'drop'].map((k) => form.getAll(k).map(String));
		// One row per date input; empty rows (the spare ones) and rows marked for removal are left out.
		const rows = day
			.map((d, i) => ({ day: d.trim(), kind: kind[i] ?? '', name: (name[i] ?? '').trim() }))
			.filter((r, i) => r.day !== '' && !drop.includes(String(i)));
		try {
			const days = checkYearDays(year, { days: rows });
			const db = requireDb();
			await db.transaction((tx) => replaceYear(tx, year, days));
			return { saved: days.length };
		} catch (err) {
			return failFrom(err, resolveLang(url, cookies), { fields: { rows } });
		}
	}
};
