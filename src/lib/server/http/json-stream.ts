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

/**
 * The JSON text of `value` in slices of about SLICE_MS of work each, each saying whether it is the last
 * (one piece is read ahead to know).
 */
function* slicesOf(value: unknown): Generator<{ text: string; last: boolean }> {
	const it = pieces(value, 0);
	let next = it.next();
	let buffer = '';
	let started = performance.now();
	while (!next.done) {
		buffer += next.value;
		next = it.next();
		if (!next.done && (buffer.length >= SLICE_CHARS || performance.now() - started >= SLICE_MS)) {
			yield { text: buffer, last: false };
			buffer = '';
			started = performance.now();
		}
	}
	yield { text: buffer, last: true };
}

/** The JSON text of `value` in slices of about SLICE_MS of work each (for tests and other writers). */
export function* jsonSlices(value: unknown): Generator<string> {
	for (const slice of slicesOf(value)) if (slice.text) yield slice.text;
}

/**
 * A JSON response written in slices, the event loop free between them (see above). An answer made
 * within its first slice is sent whole, as json() would: one write, no stream.
 */
export function streamedJson(value: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
	const headers = { 'content-type': 'application/json', ...init.headers };
	const slices = slicesOf(value);
	const first = slices.next().value!;
	if (first.last) return new Response(first.text, { status: init.status ?? 200, headers });
	const encoder = new TextEncoder();
	let pending: string | null = first.text;
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (pending !== null) {
				controller.enqueue(encoder.encode(pending));
				pending = null;
				return;
			}
			await new Promise((resolve) => setImmediate(resolve));
			const next = slices.next();
			if (next.done) controller.close();
			else {
				if (next.value.text) controller.enqueue(encoder.encode(next.value.text));
				if (next.value.last) controller.close();
			}
		}
	});
	return new Response(body, { status: init.status ?? 200, headers });
}
