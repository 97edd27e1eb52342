// User administration (admins): list, create, change role / jurisdiction / disabled, reset a password.
import { requireDb } from '$lib/server/runtime';
import { createUser, listUsers, setPassword, updateUser } from '$lib/server/auth/users';
import { generatePassword } from '$lib/server/auth/password';
import { failFrom } from '$lib/server/http/api-errors';
import { resolveLang } from '$lib/i18n/server';
import type { Lang } from '$lib/i18n';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => ({ lang: resolveLang(url, cookies), users: await listUsers(requireDb()) });

const units = (form: FormData) =>
	String(form.get('units') ?? '')
		.split(/[\s,，、]+/)
		.filter(Boolean);
const id = (form: FormData) => Number(form.get('id'));

interface Kept {
	username: string;
	role: string;
	units: string;
	displayName: string;
}

async function attempt<T>(lang: Lang, work: () => Promise<T>, kept: Kept | null = null) {
	try {
		return await work();
	} catch (err) {
		return failFrom(err, lang, { fields: { kept } });
	}
}

export const actions: Actions = {
	create: async ({ request, url, cookies }) => {
		const form = await request.formData();
		const values: Kept = {
			username: String(form.get('username') ?? ''),
			role: String(form.get('role') ?? ''),
			units: String(form.get('units') ?? ''),
			displayName: String(form.get('displayName') ?? '')
		};
		const password = String(form.get('password') ?? '') || generatePassword();
		return attempt(
			resolveLang(url, cookies),
			async () => {
				const user = await createUser(requireDb(), {
					username: values.username,
					role: values.role,
					displayName: values.displayName,
					units: units(form),
					password
				});
				return { created: user.username, password: form.get('password') ? null : password };
			},
			values
		);
	},
	update: async ({ request, url, cookies }) => {
		const form = await request.formData();
		return attempt(resolveLang(url, cookies), async () => {
			const user = await updateUser(requireDb(), id(form), {
				role: String(form.get('role') ?? ''),
				displayName: String(form.get('displayName') ?? ''),
				units: units(form),
				disabled: form.get('disabled') === 'on'
			});
			return { saved: user.username };
		});
	},
	reset: async ({ request, url, cookies }) => {
		const form = await request.formData();
		const password = generatePassword();
		return attempt(resolveLang(url, cookies), async () => {
			await setPassword(requireDb(), id(form), password);
			return { reset: String(form.get('username') ?? ''), password };
		});
	}
};
