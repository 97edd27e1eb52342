// Data readiness (数据完备度): what each analysis needs and what is there, and on an empty database
// the first-run wizard through the imports. Everything is counted in src/lib/server/readiness.
import { requireDb } from '$lib/server/runtime';
import { readiness } from '$lib/server/readiness';
import { resolveLang } from '$lib/i18n/server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => ({ lang: resolveLang(url, cookies), readiness: await readiness(requireDb()) });
