// The one way user-facing text is produced: t(lang, key, params). Chinese (zh-CN) is the default;
// English is chosen with ?lang=en or the `lang` cookie (see server.ts).
import { en, zh, type MessageKey } from './messages';

export type { MessageKey };
export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh';

const catalogues: Record<Lang, Record<MessageKey, string>> = { zh, en };

export function isLang(value: unknown): value is Lang {
	return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** BCP 47 tag for <html lang> and Intl formatting. */
export function langTag(lang: Lang): string {
	return lang === 'zh' ? 'zh-CN' : 'en';
}

export function t(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
	const text = catalogues[lang][key] ?? zh[key] ?? key;
	if (!params) return text;
	return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A t() bound to one language, for components: `const tr = translator(lang)`. */
export function translator(lang: Lang) {
	return (key: MessageKey, params?: Record<string, string | number>) => t(lang, key, params);
}

/** Picks the Chinese or English name from a row carrying name_zh / name_en. */
export function localName(lang: Lang, row: { name_zh: string; name_en: string }): string {
	return lang === 'en' ? row.name_en : row.name_zh;
}
