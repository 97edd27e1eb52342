// Posting uploads the way the app's clients do: the /import form (as its enhanced form posts it, answered
// as JSON) and plan import (POST /api/plans/<community>/import). Shared by tests/security and the bomb bench.

/** One subdistrict and one community: enough for plan import to have a community to import into. */
export const COMMUNITY = '320102001001';
const square = (x0: number, y0: number, x1: number, y1: number) => ({
	type: 'Polygon',
	coordinates: [
		[
			[x0, y0],
			[x1, y0],
			[x1, y1],
			[x0, y1],
			[x0, y0]
		]
	]
});
const TINY_CITY: [string, object][] = [
	['subdistricts', { code: '320102001', name: '安全测试街道' }],
	['communities', { code: COMMUNITY, name: '安全测试社区', households: 800 }]
];

export interface Answer {
	/** The HTTP status (for /import: the status of the action's failure, as the page shows it). */
	status: number;
	/** The refusal's text (both languages), or the summary / result as JSON text. */
	message: string;
	rule?: string;
}

/** POST /import with the file; the form action's answer (a refusal's status is inside its JSON). */
export async function postImport(base: string, cookie: string, fileName: string, bytes: Uint8Array, layer = 'buildings', dryRun = false): Promise<Answer> {
	const form = new FormData();
	form.set('layer', layer);
	form.set('crs', 'wgs84');
	if (dryRun) form.set('dryRun', 'on');
	form.set('file', new File([bytes as Uint8Array<ArrayBuffer>], fileName));
	const res = await fetch(`${base}/import`, {
		method: 'POST',
		body: form,
		headers: { cookie, origin: base, 'x-sveltekit-action': 'true', accept: 'application/json' }
	});
	const body = (await res.json()) as { type: string; status?: number; data?: string };
	// The action's data in devalue's flat form: [root, …] where an object's fields are indexes into the array.
	const flat = JSON.parse(body.data ?? '[{}]') as unknown[];
	const at = (i: unknown) => (typeof i === 'number' ? flat[i] : undefined) as Record<string, number> | string | undefined;
	const error = at((flat[0] as Record<string, number>).error) as Record<string, number> | undefined;
	if (body.type === 'failure')
		return { status: body.status ?? res.status, message: String(at(error?.message) ?? ''), rule: at(error?.rule) as string | undefined };
	return { status: res.status, message: body.data ?? '' };
}

/** POST /api/plans/<community>/import with the file as the body. */
export async function postPlanImport(base: string, cookie: string, fileName: string, bytes: Uint8Array, community = COMMUNITY): Promise<Answer> {
	const res = await fetch(`${base}/api/plans/${community}/import?name=${encodeURIComponent(fileName)}`, {
		method: 'POST',
		body: bytes as Uint8Array<ArrayBuffer>,
		headers: { cookie, origin: base, 'content-type': 'application/octet-stream' }
	});
	const body = (await res.json()) as { message?: string; code?: string };
	return { status: res.status, message: body.message ?? JSON.stringify(body), rule: body.code };
}

/** Loads the tiny city through /import (as an admin). */
export async function uploadTinyCity(base: string, adminCookie: string): Promise<void> {
	for (const [layer, properties] of TINY_CITY) {
		const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties, geometry: square(118.77, 32.03, 118.81, 32.06) }] };
		const r = await postImport(base, adminCookie, `${layer}.geojson`, new TextEncoder().encode(JSON.stringify(fc)), layer);
		if (r.status !== 200) throw new Error(`upload ${layer}: ${r.status} ${r.message}`);
	}
}
