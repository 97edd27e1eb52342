// GET /api/cases/calendar/<year> → the year's holidays and make-up workdays (exceptions to Monday–Friday)
// and the working periods of a day; PUT {days: [{day, kind, name}]} replaces the year's exceptions.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { calendarYear, checkYearDays, replaceYear } from '$lib/server/cases/taxonomy';
import { answerOrError, readJson } from '$lib/server/http/api-errors';
import { intParam } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

const yearOf = (text: string) => intParam(text, 'year', { min: 2000, max: 2100 });

export const GET: RequestHandler = async ({ params }) => {
	const year = yearOf(params.year);
	const db = requireDb();
	const [settings] = await db.query<{ periods: [number, number][]; warn_share: number }>('SELECT periods, warn_share FROM work_calendar_settings');
	return json({ year, periods: settings?.periods ?? [], warnShare: settings?.warn_share ?? 0.8, days: await calendarYear(db, year) });
};

export const PUT: RequestHandler = async ({ params, request }) => {
	const year = yearOf(params.year);
	const read = await readJson(request);
	if ('error' in read) return read.error;
	return answerOrError(async () => {
		const days = checkYearDays(year, read.body);
		const db = requireDb();
		await db.transaction((tx) => replaceYear(tx, year, days));
		return json({ year, days: await calendarYear(db, year) });
	});
};
