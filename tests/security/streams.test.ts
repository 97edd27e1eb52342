// An open case stream ends when what authorised it ends (issue 16, finding 7): a revoked wall or
// API token, a disabled user, a changed role or jurisdiction, a sign-out. Its resume (the browser's
// EventSource reconnects by itself) is then refused. And a stream whose credential still holds keeps
// receiving cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppServer } from '../browser/helpers/app-server';
import { sessionCookie } from '../browser/helpers/session';
import { formAction, pageData } from '../helpers/http';

interface OpenStream {
	ended: Promise<'ended'>;
	text(): string;
	close(): void;
}

async function openStream(url: string, headers: Record<string, string>): Promise<OpenStream> {
	const controller = new AbortController();
	const res = await fetch(url, { headers, signal: controller.signal });
	expect(res.status).toBe(200);
	let text = '';
	const reader = res.body!.getReader();
	const decoder = new TextDecoder();
	const ended = (async () => {
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				text += decoder.decode(value);
			}
		} catch {
			// aborted by the test
		}
		return 'ended' as const;
	})();
	return { ended, text: () => text, close: () => controller.abort() };
}

/** Resolves 'open' if the stream is still open after `ms`. */
const stillOpenAfter = (s: OpenStream, ms: number) => Promise.race([s.ended, new Promise<'open'>((r) => setTimeout(() => r('open'), ms))]);

describe('open case streams follow their credential', () => {
	let app: AppServer;
	let admin: string;
	let lonlat: [number, number];

	beforeAll(async () => {
		app = await startApp();
		admin = await sessionCookie(app.url, 'admin');
		const grids = await (await app.fetch(`${app.url}/api/layers/grids?labels=1`)).json();
		lonlat = grids.features[0].geometry.coordinates;
	}, 300_000);
	afterAll(() => app?.stop());

	const postCase = (id: string) =>
		app.fetch(`${app.url}/api/cases`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ id, category: 'other', lon: lonlat[0], lat: lonlat[1] })
		});

	async function user(username: string, role = 'leader'): Promise<{ id: number; cookie: string }> {
		const made = await formAction(app.url, '/admin/users?/create', { username, role, units: '*', password: 'stream-pass-2026' }, admin);
		expect(made.type, JSON.stringify(made)).toBe('success');
		const users = (await pageData(app.url, '/admin/users', admin)).users as { id: number; username: string }[];
		const res = await fetch(`${app.url}/api/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username, password: 'stream-pass-2026' })
		});
		return { id: users.find((u) => u.username === username)!.id, cookie: res.headers.get('set-cookie')!.split(';')[0] };
	}

	it('a revoked wall token’s stream ends and its resume is refused; a live one keeps receiving', async () => {
		const wall = await (
			await app.fetch(`${app.url}/api/tokens`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'lobby-stream', kind: 'wall' })
			})
		).json();
		const kiosk = (await fetch(`${app.url}/wall?token=${wall.token}`, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0];
		const stream = await openStream(`${app.url}/api/cases/stream`, { cookie: kiosk });
		const other = await openStream(`${app.url}/api/cases/stream`, { cookie: admin });
		await postCase('STREAM-1');
		await expect.poll(() => stream.text(), { timeout: 10_000 }).toMatch(/STREAM-1/);

		expect((await app.fetch(`${app.url}/api/tokens/${wall.id}`, { method: 'DELETE' })).status).toBe(200);
		expect(await stillOpenAfter(stream, 10_000)).toBe('ended');
		expect((await fetch(`${app.url}/api/cases/stream`, { headers: { cookie: kiosk, 'last-event-id': '1' } })).status).toBe(401);

		await postCase('STREAM-2');
		await expect.poll(() => other.text(), { timeout: 10_000 }).toMatch(/STREAM-2/);
		expect(stream.text()).not.toMatch(/STREAM-2/);
		other.close();
	});

	it('a bearer API token’s stream ends when the token is revoked', async () => {
		const api = await (
			await app.fetch(`${app.url}/api/tokens`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'feed-stream', kind: 'api', scopes: ['cases:read'] })
			})
		).json();
		expect(api.token, JSON.stringify(api)).toBeTruthy();
		const stream = await openStream(`${app.url}/api/cases/stream`, { authorization: `Bearer ${api.token}` });
		expect(await stillOpenAfter(stream, 300)).toBe('open');
		await app.fetch(`${app.url}/api/tokens/${api.id}`, { method: 'DELETE' });
		expect(await stillOpenAfter(stream, 10_000)).toBe('ended');
	});

	it('a user’s streams end when the user is disabled, changes role or jurisdiction, or signs out', async () => {
		const cases: [string, (u: { id: number; cookie: string }) => Promise<unknown>][] = [
			['disabled', (u) => formAction(app.url, '/admin/users?/update', { id: String(u.id), role: 'leader', units: '*', disabled: 'on' }, admin)],
			['role', (u) => formAction(app.url, '/admin/users?/update', { id: String(u.id), role: 'viewer', units: '*' }, admin)],
			[
				'jurisdiction',
				async (u) => {
					const sub = (await (await app.fetch(`${app.url}/api/layers/subdistricts`)).json()).features[0].properties.code;
					return formAction(app.url, '/admin/users?/update', { id: String(u.id), role: 'leader', units: sub }, admin);
				}
			],
			['sign-out', (u) => fetch(`${app.url}/api/session`, { method: 'DELETE', headers: { cookie: u.cookie } })]
		];
		for (const [label, change] of cases) {
			const u = await user(`stream-${label}`);
			const stream = await openStream(`${app.url}/api/cases/stream`, { cookie: u.cookie });
			expect(await stillOpenAfter(stream, 300), label).toBe('open');
			await change(u);
			expect(await stillOpenAfter(stream, 10_000), label).toBe('ended');
			expect((await fetch(`${app.url}/api/cases/stream`, { headers: { cookie: u.cookie } })).status, label).toBe(401);
		}
	});
});
