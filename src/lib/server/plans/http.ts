// The plan API's request helpers. Its typed errors (./errors.ts) become answers through the one
// mapping of src/lib/server/http/api-errors.ts.

/** The acting user's name for a revision's author ('system' when nobody is signed in). */
export function authorOf(locals: App.Locals): string {
	const user = (locals as { user?: { username?: string; name?: string } | null }).user;
	return user?.username ?? user?.name ?? 'system';
}

/** A positive whole number from a path or query parameter, or null. */
export function positiveInt(value: string | null | undefined): number | null {
	if (!value || !/^[0-9]{1,15}$/.test(value)) return null;
	const n = Number(value);
	return n > 0 ? n : null;
}
