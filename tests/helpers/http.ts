// Calling the app over HTTP the way its pages do: form actions (as SvelteKit's enhance posts them)
// and a page's server data (__data.json), decoded.
import http from 'node:http';
import { unflatten } from 'devalue';

export interface ActionResult {
	type: 'success' | 'failure' | 'redirect' | 'error';
	status: number;
	data?: Record<string, unknown>;
	location?: string;
}

/** POSTs a form to a page action (`/admin/users?/create`) and decodes SvelteKit's action result. */
export async function formAction(base: string, pathAndAction: string, form: Record<string, string>, cookie: string): Promise<ActionResult> {
	const res = await fetch(`${base}${pathAndAction}`, {
		method: 'POST',
		headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true' },
		body: new URLSearchParams(form)
	});
	const body = await res.json();
	return { ...body, data: typeof body.data === 'string' ? unflatten(JSON.parse(body.data)) : body.data };
}

/** The data a page's server load returned (the last node: the page's own). */
export async function pageData(base: string, pagePath: string, cookie: string): Promise<Record<string, unknown>> {
	const res = await fetch(`${base}${pagePath.replace(/\/?$/, '/__data.json')}`, { headers: { cookie } });
	if (!res.ok) throw new Error(`${pagePath}/__data.json: ${res.status} ${await res.text()}`);
	const body = await res.json();
	const nodes = (body.nodes as ({ type: string; data: unknown[] } | null)[]).filter((n) => n?.type === 'data');
	return unflatten(nodes.at(-1)!.data) as Record<string, unknown>;
}

export interface RawResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
}

/**
 * A request with control over what fetch() hides: the local address it leaves from, a body sent in
 * chunks without Content-Length, any Host header.
 */
export function rawRequest(
	url: string,
	options: { method?: string; headers?: Record<string, string>; localAddress?: string; chunks?: Iterable<Uint8Array | string> } = {}
): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		let answered = false;
		// Keep-alive, as browsers send: with "Connection: close" a server that answers early closes
		// the socket under the body still being written, and the answer is lost in the reset.
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent }, (res) => {
			answered = true;
			res.on('close', () => agent.destroy());
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
			res.on('error', reject);
		});
		req.on('error', (err) => (answered ? undefined : reject(err)));
		if (options.chunks) {
			const write = async () => {
				for (const chunk of options.chunks!) {
					if (req.destroyed) return;
					if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
				}
				req.end();
			};
			write().catch(() => {});
		} else req.end();
	});
}
