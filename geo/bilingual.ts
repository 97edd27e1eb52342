// A Chinese and an English sentence saying the same thing: the one type every bilingual message of geo/
// (and the server's) is written in. Its own module so anything may use it without importing the issue
// machinery (geo/issues re-exports it).

/** A Chinese and an English sentence saying the same thing. */
export interface BilingualText {
	zh: string;
	en: string;
}
