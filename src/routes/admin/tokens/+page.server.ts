// API and wall-screen tokens (admins): create (the secret shown once), list, revoke.
import { fail } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { AccountError } from '$lib/server/auth/users';
import { createToken, listTokens, revokeToken } from '$lib/server/auth/tokens';
import { resolveLang } from '$lib/i18n/server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => ({ lang: resolveLang(url, cookies), tokens: await listTokens(requireDb()) });

export const actions: Actions = {
	create: async ({ request, locals, url }) => {
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
			if (err instanceof AccountError) return fail(400, { message: err.message });
			throw err;
		}
	},
	revoke: async ({ request }) => {
		const form = await request.formData();
		try {
			const row = await revokeToken(requireDb(), Number(form.get('id')));
			return { revoked: row.name };
		} catch (err) {
			if (err instanceof AccountError) return fail(400, { message: err.message });
			throw err;
		}
	}
};
