// Signing in for browser and HTTP tests. startApp() gives every test server the same demo-account
// password (GRIDATLAS_DEMO_PASSWORD), so a test signs in as any demo role: admin, planner, leader,
// worker, viewer.
import type { Page } from 'playwright-core';

export const TEST_DEMO_PASSWORD = 'gridatlas-test-password';
export type DemoRole = 'admin' | 'planner' | 'leader' | 'worker' | 'viewer';

/** Signs the page's browser context in (the cookie is shared by every page of the context). */
export async function signIn(page: Page, baseUrl: string, role: DemoRole = 'admin'): Promise<void> {
	const res = await page.request.post(`${baseUrl}/api/session`, {
		data: { username: role, password: TEST_DEMO_PASSWORD },
		headers: { origin: baseUrl }
	});
	if (res.status() === 404) return; // a build without accounts
	if (!res.ok()) throw new Error(`sign-in as ${role} failed: ${res.status()} ${await res.text()}`);
}

/** A Cookie header value for fetch(): a session of the given demo role. */
export async function sessionCookie(baseUrl: string, role: DemoRole = 'admin'): Promise<string> {
	const res = await fetch(`${baseUrl}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseUrl },
		body: JSON.stringify({ username: role, password: TEST_DEMO_PASSWORD })
	});
	if (res.status === 404) return '';
	if (!res.ok) throw new Error(`sign-in as ${role} failed: ${res.status} ${await res.text()}`);
	const set = res.headers.get('set-cookie') ?? '';
	return set.split(';')[0];
}
