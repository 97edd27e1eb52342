// The signed-in user's own account: who they are, their role and jurisdiction, password change.
import { fail, redirect } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { changeOwnPassword } from '$lib/server/auth/users';
import { failFrom } from '$lib/server/http/api-errors';
import { resolveLang } from '$lib/i18n/server';
import { t } from '$lib/i18n';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url, cookies, locals }) => {
	if (locals.user?.kind !== 'user') redirect(303, '/login?next=/account');
	return { lang: resolveLang(url, cookies) };
};

export const actions: Actions = {
	password: async ({ request, locals, url, cookies }) => {
		const user = locals.user;
		if (user?.kind !== 'user') return fail(401, { message: '请先登录 / please sign in' });
		const form = await request.formData();
		const next = String(form.get('password') ?? '');
		if (next !== String(form.get('confirm') ?? '')) return fail(400, { message: t(resolveLang(url, cookies), 'auth.mismatch') });
		try {
			await changeOwnPassword(requireDb(), user.id, String(form.get('current') ?? ''), next);
		} catch (err) {
			return failFrom(err, resolveLang(url, cookies));
		}
		// The change ended every session, this one too: sign in again with the new password.
		redirect(303, '/login?next=/account&changed=1');
	}
};
