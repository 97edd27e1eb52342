// Language choice on the server: ?lang=xx wins and is remembered in a cookie; otherwise the cookie;
// otherwise Chinese. Kept out of index.ts because it needs SvelteKit's request types.
import type { Cookies } from '@sveltejs/kit';
import { DEFAULT_LANG, isLang, type Lang } from './index';
import { cookieOptions } from '../server/http/cookies';

const COOKIE = 'lang';

export function resolveLang(url: URL, cookies: Cookies): Lang {
	const asked = url.searchParams.get('lang');
	if (isLang(asked)) {
		// Not httpOnly: nothing secret, and the client-side switch may read it.
		cookies.set(COOKIE, asked, cookieOptions(url, { httpOnly: false, maxAge: 60 * 60 * 24 * 365 }));
		return asked;
	}
	const saved = cookies.get(COOKIE);
	return isLang(saved) ? saved : DEFAULT_LANG;
}
