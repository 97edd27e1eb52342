// Hostile values in every parameter of every route (issue 16, finding 10): NUL bytes, Infinity,
// 1e309, negatives, "$1", quotes. Each route (found on disk, with its example from
// tests/helpers/route-examples.ts) is called with each value in each query parameter it reads (its
// own file and the server modules it imports are searched for the names), in each path parameter,
// and in each field of its JSON or form body. No answer may be a 5xx, and none may carry internal
// text (a database message, a stack, a file path): bad input is a 4xx that names the parameter.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startApp, type AppServer } from '../../browser/helpers/app-server';
import { sessionCookie, type DemoRole } from '../../browser/helpers/session';
import { routesOnDisk } from '../../helpers/routes';
import { examples, routeContext, ROLES, type Ctx, type Example } from '../../helpers/route-examples';

const HOSTILE = ['\u0000', 'a\u0000b', 'Infinity', '-Infinity', '1e309', 'NaN', '-1', '-0', '99999999999999999999', '$1', "'", '%', '[]'];

/** What an answer must never show: database messages, stacks, paths, runtime errors. */
const INTERNAL =
	/invalid input syntax|syntax error at|violates|relation "|column "|SQLSTATE|out of range for type|invalid byte sequence|unterminated|\bat [\w$.<>]+ \(|node_modules|\/src\/lib|TypeError|RangeError|ReferenceError|SyntaxError|Cannot read prop|is not a function|undefined is not|ECONN|pglite|Unexpected token/i;

/** A module path without extension: its .ts file, or its folder's index.ts. */
const moduleFile = (p: string) => (fs.existsSync(`${p}.ts`) ? `${p}.ts` : path.join(p, 'index.ts'));

/** Query parameter names a route reads: in its own files and the server modules they import. */
function paramNamesOf(routeId: string): Set<string> {
	const dir = path.join(ROOT, 'src/routes', ...routeId.split('/').filter(Boolean));
	const files = ['+server.ts', '+page.server.ts'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
	const seen = new Set<string>();
	const names = new Set<string>();
	const read = (file: string, depth: number) => {
		if (seen.has(file) || !fs.existsSync(file)) return;
		seen.add(file);
		const text = fs.readFileSync(file, 'utf8');
		for (const m of text.matchAll(/\.(?:get|has|getAll)\(['"]([A-Za-z_]\w*)['"]\)/g)) names.add(m[1]);
		// A folder's index only re-exports its modules: they count as the folder itself.
		if (path.basename(file) === 'index.ts') {
			for (const m of text.matchAll(/from '\.\/([\w/-]+)'/g)) read(moduleFile(path.join(path.dirname(file), m[1])), depth);
		}
		if (depth === 0) return;
		for (const m of text.matchAll(/from '\$lib\/server\/([\w/-]+)'/g)) read(moduleFile(path.join(ROOT, 'src/lib/server', m[1])), depth - 1);
	};
	for (const f of files) read(f, 1);
	return names;
}

/** Example path with one path parameter (by its position in the route id) replaced. */
function withPathParam(routeId: string, examplePath: string, index: number, value: string): string {
	const [pathname, query] = examplePath.split('?');
	const segments = pathname.split('/');
	segments[index] = encodeURIComponent(value);
	return segments.join('/') + (query ? `?${query}` : '');
}

function withQueryParam(examplePath: string, name: string, value: string): string {
	const [pathname, query] = examplePath.split('?');
	const params = new URLSearchParams(query ?? '');
	params.set(name, value);
	return `${pathname}?${params}`;
}

describe('hostile values in every parameter of every route', () => {
	let app: AppServer;
	let ctx: Ctx;
	const cookies = new Map<DemoRole, string>();

	beforeAll(async () => {
		app = await startApp();
		for (const role of ROLES) cookies.set(role, await sessionCookie(app.url, role));
		ctx = await routeContext(app, cookies);
	}, 300_000);
	afterAll(() => app?.stop());

	/** Calls an example as a role allowed to (admin first): status and the start of the body. */
	async function call(ex: Example, method: string, pathAndQuery: string, body?: { json?: unknown; form?: Record<string, string> }) {
		const role: DemoRole = ex.allowed === 'public' || ex.allowed.includes('admin') ? 'admin' : ex.allowed[0];
		const headers: Record<string, string> = { origin: app.url, cookie: cookies.get(role)! };
		let payload: BodyInit | undefined;
		if (body?.form) {
			payload = new URLSearchParams(body.form);
			headers['content-type'] = 'application/x-www-form-urlencoded';
			headers['x-sveltekit-action'] = 'true';
		} else if (body && 'json' in body) {
			payload = JSON.stringify(body.json);
			headers['content-type'] = 'application/json';
		}
		let res: Response;
		try {
			res = await fetch(`${app.url}${pathAndQuery}`, { method, headers, body: payload, redirect: 'manual' });
		} catch (err) {
			return { status: 599, text: `no answer: ${(err as Error).cause ?? err}` };
		}
		const type = res.headers.get('content-type') ?? '';
		if (type.includes('event-stream')) {
			await res.body?.cancel();
			return { status: res.status, text: '' };
		}
		return { status: res.status, text: (await res.text()).slice(0, 2000) };
	}

	const problems: string[] = [];
	const check = (label: string, got: { status: number; text: string }) => {
		if (got.status >= 500) problems.push(`${label}: ${got.status} ${got.text.slice(0, 200)}`);
		else if (INTERNAL.test(got.text)) problems.push(`${label}: internal text in the answer: ${got.text.match(INTERNAL)![0]} … ${got.text.slice(0, 200)}`);
	};

	it('query and path parameters', async () => {
		const table = examples(ctx);
		let calls = 0;
		for (const { id, method } of routesOnDisk()) {
			const ex = table[id]?.[method];
			if (!ex || id === '/logout' || id === '/api/session') continue; // these end the session the test uses
			const body = ex.form ? { form: ex.form } : ex.body !== undefined ? { json: ex.body } : undefined;
			for (const name of paramNamesOf(id)) {
				for (const value of HOSTILE) {
					check(`${method} ${id} ?${name}=${JSON.stringify(value)}`, await call(ex, method, withQueryParam(ex.path, name, value), body));
					calls++;
				}
			}
			const segments = id.split('/');
			for (let i = 0; i < segments.length; i++) {
				if (!segments[i].startsWith('[')) continue;
				for (const value of HOSTILE) {
					check(`${method} ${id} ${segments[i]}=${JSON.stringify(value)}`, await call(ex, method, withPathParam(id, ex.path, i, value), body));
					calls++;
				}
			}
		}
		expect(calls).toBeGreaterThan(500);
		expect(problems).toEqual([]);
	}, 600_000);

	it('fields of JSON and form bodies', async () => {
		problems.length = 0;
		const table = examples(ctx);
		for (const { id, method } of routesOnDisk()) {
			const ex = table[id]?.[method];
			if (!ex || id === '/logout') continue;
			if (ex.form) {
				for (const field of Object.keys(ex.form)) {
					for (const value of HOSTILE)
						check(`${method} ${id} form ${field}=${JSON.stringify(value)}`, await call(ex, method, ex.path, { form: { ...ex.form, [field]: value } }));
				}
			} else if (ex.body && typeof ex.body === 'object' && !Array.isArray(ex.body)) {
				const fields = [...Object.keys(ex.body as object), 'name', 'source', 'note'];
				for (const field of fields) {
					for (const value of [...HOSTILE, Number.MAX_VALUE, -1, 1e308]) {
						check(
							`${method} ${id} body ${field}=${JSON.stringify(value)}`,
							await call(ex, method, ex.path, { json: { ...(ex.body as object), [field]: value } })
						);
					}
				}
			}
		}
		expect(problems).toEqual([]);
	}, 600_000);

	it('a NUL in any text of a JSON body is refused with 400 naming where it is', async () => {
		const res = await app.fetch(`${app.url}/api/rules/${ctx.rule}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ source: 'GB 50180\u0000-2018' })
		});
		expect(res.status).toBe(400);
		const body = await res.json();
		expect(body.code).toBe('bad_text');
		expect(body.message).toMatch(/source/);
		// The rule is unchanged.
		expect((await (await app.fetch(`${app.url}/api/rules/${ctx.rule}`)).json()).source).not.toMatch(/\u0000/);
	});

	it('every API refusal is JSON {message, code}, whatever the client accepts (none, a browser page, anything)', async () => {
		const table = examples(ctx);
		const shapes: string[] = [];
		let refusals = 0;
		for (const { id, method } of routesOnDisk()) {
			const ex = table[id]?.[method];
			if (method !== 'GET' || !ex || !(id.startsWith('/api/') || id.startsWith('/tiles/'))) continue;
			const role: DemoRole = ex.allowed === 'public' || ex.allowed.includes('admin') ? 'admin' : ex.allowed[0];
			for (const name of paramNamesOf(id)) {
				for (const accept of [null, 'text/html,application/xhtml+xml', '*/*']) {
					const headers: Record<string, string> = { cookie: cookies.get(role)! };
					if (accept) headers.accept = accept;
					// node:http sends no Accept header unless asked (fetch always sends one)
					const got = await new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
						const req = http.get(`${app.url}${withQueryParam(ex.path, name, 'Infinity')}`, { headers }, (res) => {
							let text = '';
							res.setEncoding('utf8');
							res.on('data', (c) => (text += c));
							res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text }));
						});
						req.on('error', reject);
					});
					if (got.status < 400 || got.status >= 500) continue;
					refusals++;
					let body: { message?: unknown; code?: unknown } | null = null;
					try {
						body = JSON.parse(got.text);
					} catch {
						// not JSON: reported below
					}
					if (!got.type.includes('json') || typeof body?.message !== 'string' || typeof body?.code !== 'string')
						shapes.push(`GET ${id} ?${name}=Infinity, accept ${accept ?? '(none)'}: ${got.status} ${got.type} ${got.text.slice(0, 120)}`);
				}
			}
		}
		expect(refusals).toBeGreaterThan(20);
		expect(shapes).toEqual([]);
	}, 300_000);
});
