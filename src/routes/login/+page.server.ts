// Sign-in form: a form action (works without JavaScript); a signed-in visitor goes straight on.
import { redirect } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { safeNext, signIn } from '$lib/server/auth/sign-in';
import { failFrom } from '$lib/server/http/api-errors';
import { resolveLang } from '$lib/i18n/server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url, cookies, locals }) => {
	if (locals.user?.kind === 'user') redirect(303, safeNext(url.searchParams.get('next')));
	return { lang: resolveLang(url, cookies), next: safeNext(url.searchParams.get('next')) };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const username = String(form.get('username') ?? '');
		try {
			await signIn(requireDb(), event, username, String(form.get('password') ?? ''));
		} catch (err) {
			return failFrom(err, resolveLang(event.url, event.cookies), { fields: { username } });
		}
		redirect(303, safeNext(event.url.searchParams.get('next') ?? String(form.get('next') ?? '')));
	}
};
