// API and wall-screen tokens (admins): create (the secret shown once), list, revoke.
import { requireDb } from '$lib/server/runtime';
import { createToken, listTokens, revokeToken } from '$lib/server/auth/tokens';
import { failFrom } from '$lib/server/http/api-errors';
import { resolveLang } from '$lib/i18n/server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => ({ lang: resolveLang(url, cookies), tokens: await listTokens(requireDb()) });

// The page answers 400 for every refusal (an unknown token is 404 on the JSON route).
const STATUS = 400;

export const actions: Actions = {
	create: async ({ request, locals, url, cookies }) => {
		const form = await request.formData();
		const days = String(form.get('expiresInDays') ?? '').trim();
		const units = String(form.get('units') ?? '')
			.split(/[\s,，、]+/)
			.filter(Boolean);
		try {
			const { token, row } = await createToken(requireDb(), {
				name: String(form.get('name') ?? ''),
				kind: String(form.get('kind') ?? ''),
				units,
				expiresInDays: days ? Number(days) : undefined,
				createdBy: locals.user?.kind === 'user' ? locals.user.id : null
			});
			const wallUnit = row.unit_codes[0] && row.unit_codes[0] !== '*' ? `/${row.unit_codes[0]}` : '';
			return { token, name: row.name, wallUrl: row.kind === 'wall' ? `${url.origin}/wall${wallUnit}?token=${token}` : null };
		} catch (err) {
			return failFrom(err, resolveLang(url, cookies), { status: STATUS });
		}
	},
	revoke: async ({ request, url, cookies }) => {
		const form = await request.formData();
		try {
			const row = await revokeToken(requireDb(), Number(form.get('id')));
			return { revoked: row.name };
		} catch (err) {
			return failFrom(err, resolveLang(url, cookies), { status: STATUS });
		}
	}
};
