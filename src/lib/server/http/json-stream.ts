// Large JSON answers written a slice at a time: JSON.stringify of a whole city's report holds the
// request thread for tens of milliseconds (and the text is encoded again after), while every other
// request waits. Here the text is made member by member and handed to the socket in slices, giving
// the event loop back between slices. The text is the same as JSON.stringify's.

/** About this much work, then the next slice waits for the event loop. */
const SLICE_MS = 8;
const SLICE_CHARS = 256 * 1024;
/** Arrays and objects with more members than this are written member by member. */
const SPLIT_MEMBERS = 32;

function* pieces(value: unknown, depth: number): Generator<string> {
	if (value === null || typeof value !== 'object' || depth > 4 || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
		yield JSON.stringify(value) ?? 'null';
		return;
	}
	if (Array.isArray(value)) {
		if (value.length <= SPLIT_MEMBERS && depth > 0) {
			yield JSON.stringify(value);
			return;
		}
		yield '[';
		for (let i = 0; i < value.length; i++) {
			if (i) yield ',';
			// as JSON.stringify: undefined, functions and symbols in an array are null
			const v = value[i];
			if (v === undefined || typeof v === 'function' || typeof v === 'symbol') yield 'null';
			else yield* pieces(v, depth + 1);
		}
		yield ']';
		return;
	}
	const entries = Object.entries(value as Record<string, unknown>);
	if (entries.length <= SPLIT_MEMBERS && depth > 0 && !entries.some(([, v]) => Array.isArray(v) && v.length > SPLIT_MEMBERS)) {
		yield JSON.stringify(value);
		return;
	}
	yield '{';
	let first = true;
	for (const [k, v] of entries) {
		// as JSON.stringify: members that are undefined, functions or symbols are left out
		if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
		yield `${first ? '' : ','}${JSON.stringify(k)}:`;
		first = false;
		yield* pieces(v, depth + 1);
	}
	yield '}';
}

/** The JSON text of `value` in slices of about SLICE_MS of work each (for tests and other writers). */
export function* jsonSlices(value: unknown): Generator<string> {
	let buffer = '';
	let started = performance.now();
	for (const piece of pieces(value, 0)) {
		buffer += piece;
		if (buffer.length >= SLICE_CHARS || performance.now() - started >= SLICE_MS) {
			yield buffer;
			buffer = '';
			started = performance.now();
		}
	}
	if (buffer) yield buffer;
}

/** A JSON response written in slices, the event loop free between them (see above). */
export function streamedJson(value: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
	const slices = jsonSlices(value);
	const encoder = new TextEncoder();
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			await new Promise((resolve) => setImmediate(resolve));
			const next = slices.next();
			if (next.done) controller.close();
			else controller.enqueue(encoder.encode(next.value));
		}
	});
	return new Response(body, { status: init.status ?? 200, headers: { 'content-type': 'application/json', ...init.headers } });
}
