// Request bodies are bounded per route and counted as they arrive: a limit read from
// Content-Length alone let a chunked body of any size through (issue 16). The hook reads the body
// up to the route's limit before any route code runs and hands the route a request over the bytes
// it kept, so every route, form action and parser sees a body that is known to fit.
import { GridAtlasError } from '$geo/errors';
import { maxImportBytes } from '../imports';
import { maxPhotoBytes, MAX_THUMB_BYTES } from '../worker/limits';
import { concatBytes, formatBytes } from '$geo/archive';

const MB = 1024 * 1024;

const envMb = (name: string, fallback: number) => {
	const n = Number(process.env[name]);
	return Number.isFinite(n) && n > 0 ? n * MB : fallback;
};

/** Multipart framing around an uploaded file (boundaries, part headers, the other form fields). */
const FORM_OVERHEAD = MB;

/** Largest request body of a route and method, in bytes (0: no body expected). */
export function bodyLimit(routeId: string | null, method: string): number {
	if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return 0;
	if (routeId === '/login' || routeId === '/api/session' || routeId === '/account' || routeId === '/logout') return 16 * 1024;
	if (routeId === '/import') return maxImportBytes() + FORM_OVERHEAD;
	if (routeId === '/api/cases') return envMb('GRIDATLAS_MAX_INGEST_MB', 20 * MB);
	// One photo of a case and its thumbnail, with the form's framing (src/lib/server/worker/photos.ts).
	if (routeId === '/api/cases/[id]/photos') return maxPhotoBytes() + MAX_THUMB_BYTES + 64 * 1024;
	if (routeId === '/api/worker/reports' || routeId === '/api/cases/[id]/notes') return 64 * 1024;
	if (routeId === '/api/patrol/points') return 256 * 1024;
	if (routeId === '/api/plans/[community]/import') return Math.min(maxImportBytes(), 50 * MB) + FORM_OVERHEAD;
	if (routeId?.startsWith('/api/plans') || routeId?.startsWith('/plan/')) return 50 * MB;
	return 2 * MB;
}

/**
 * Routes whose bodies may hold NUL bytes or characters: binary uploads, and the case ingest, which
 * refuses such an item on its own (bad_text) and keeps the rest of the batch.
 */
const NUL_ALLOWED = new Set(['/import', '/api/plans/[community]/import', '/api/cases', '/api/cases/[id]', '/api/cases/[id]/photos']);

/** A NUL character where text is expected: PostgreSQL can't store it in text, so say so up front. */
export class BadTextError extends GridAtlasError {
	constructor(readonly where: string) {
		super(`${where} 含有空字符（U+0000），无法保存，请删除后重试 / ${where} contains a NUL character (U+0000), which can't be stored; remove it and retry`, {
			code: 'bad_text'
		});
	}
}

/** The first query parameter (or the path) holding a NUL character, as BadTextError; else null. */
export function nulInUrl(url: URL): BadTextError | null {
	if (url.pathname.includes('%00') || url.pathname.includes('\u0000')) return new BadTextError('地址 / the address');
	for (const [name, value] of url.searchParams) {
		if (name.includes('\u0000') || value.includes('\u0000'))
			return new BadTextError(`参数 ${JSON.stringify(name.replaceAll('\u0000', ''))} / parameter ${JSON.stringify(name.replaceAll('\u0000', ''))}`);
	}
	return null;
}

/** Path of the first string (key or value) with a NUL in a parsed JSON value, e.g. "grids[3].name". */
function nulPath(value: unknown): string | null {
	const stack: [unknown, string][] = [[value, '']];
	while (stack.length) {
		const [v, at] = stack.pop()!;
		if (typeof v === 'string') {
			if (v.includes('\u0000')) return at || '(body)';
		} else if (Array.isArray(v)) {
			for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`]);
		} else if (v && typeof v === 'object') {
			for (const [k, x] of Object.entries(v)) {
				if (k.includes('\u0000')) return `${at}.${k.replaceAll('\u0000', '')}`.replace(/^\./, '');
				stack.push([x, at ? `${at}.${k}` : k]);
			}
		}
	}
	return null;
}

/** A \u0000 escape in JSON text (not an escaped backslash followed by "u0000"). */
const JSON_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/i;

async function nulInBody(request: Request, bytes: Uint8Array): Promise<BadTextError | null> {
	const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
	if (type === 'application/json' || type.endsWith('+json')) {
		const text = new TextDecoder().decode(bytes);
		if (!JSON_NUL.test(text)) return null;
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			return null; // not JSON at all: the route says so
		}
		const at = nulPath(parsed);
		return at ? new BadTextError(`字段 ${at} / field ${at}`) : null;
	}
	if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
		if (!bytes.includes(0) && !/%00/i.test(new TextDecoder().decode(bytes))) return null;
		const form = await new Request(request.url, { method: 'POST', headers: request.headers, body: bytes as Uint8Array<ArrayBuffer> })
			.formData()
			.catch(() => null);
		for (const [name, value] of form ?? []) {
			if (typeof value === 'string' && value.includes('\u0000')) return new BadTextError(`字段 ${name} / field ${name}`);
		}
	}
	return null;
}

export class BodyTooLargeError extends GridAtlasError {
	constructor(
		readonly bytes: number,
		readonly limit: number,
		/** The client said so up front (Content-Length) rather than sending it. */
		readonly declared: boolean
	) {
		const seen = declared ? formatBytes(bytes) : `> ${formatBytes(limit)}`;
		super(`请求过大（${seen}，上限 ${formatBytes(limit)}）/ request too large (${seen}; the limit is ${formatBytes(limit)})`, {
			code: 'too_large',
			status: 413
		});
	}
}

/**
 * The request with its body read up to `limit` bytes, or BodyTooLargeError as soon as the
 * Content-Length or the bytes received pass it; BadTextError when text in it holds a NUL (outside
 * the routes that take binary uploads). The rest of an oversized body is read and thrown away while
 * the 413 goes out: cancelling the stream at once would reset the socket under a client that is
 * still sending, and it would never see the answer.
 */
export async function boundedRequest(request: Request, limit: number, routeId: string | null = null): Promise<Request> {
	const declared = request.headers.get('content-length');
	if (declared !== null && Number(declared) > limit) throw new BodyTooLargeError(Number(declared), limit, true);
	if (!request.body) return request;
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			void discardRest(reader);
			throw new BodyTooLargeError(size, limit, false);
		}
		chunks.push(value);
	}
	if (!NUL_ALLOWED.has(routeId ?? '') && size > 0) {
		const bytes = concatBytes(chunks);
		const bad = await nulInBody(request, bytes);
		if (bad) throw bad;
	}
	// A stream over the kept chunks, released as the route reads them (no second copy of an upload).
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			const chunk = chunks.shift();
			if (chunk) controller.enqueue(chunk);
			else controller.close();
		}
	});
	const headers = new Headers(request.headers);
	headers.set('content-length', String(size));
	headers.delete('transfer-encoding');
	return new Request(request.url, { method: request.method, headers, body, signal: request.signal, duplex: 'half' } as RequestInit);
}

/**
 * Reads and drops what is left of a body nobody read (a refused or oversized request): left alone,
 * it would hold the connection until it timed out, the client still waiting to send.
 */
export function dropUnreadBody(request: Request): void {
	if (request.body && !request.bodyUsed && !request.body.locked) void discardRest(request.body.getReader());
}

/** How much of an oversized body is read and dropped before the connection is simply cut. */
const DISCARD_LIMIT = 256 * MB;

async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
	let dropped = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			dropped += value.byteLength;
			if (dropped > DISCARD_LIMIT) return void (await reader.cancel());
		}
	} catch {
		// the client went away
	}
}
