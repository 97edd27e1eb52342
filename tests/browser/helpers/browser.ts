// Debian's Chromium through playwright-core (never a downloaded browser), plus a record of every
// request a page makes, to prove the app stays on its own origin.
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-quic',
			'--no-first-run',
			'--disable-component-update',
			'--disable-sync',
			// WebGL without a GPU: MapLibre needs it, SwiftShader provides it.
			'--use-angle=swiftshader',
			'--enable-unsafe-swiftshader',
			...extraArgs
		]
	});
}

export interface PageRecord {
	requests: string[];
	failed: string[];
	errors: string[];
}

/**
 * Records requests, failed responses (status >= 400) and uncaught page errors — among them anything
 * the content security policy blocked, so every browser test also proves the app runs under it.
 */
export function recordPage(page: Page): PageRecord {
	const rec: PageRecord = { requests: [], failed: [], errors: [] };
	page.on('request', (r) => rec.requests.push(r.url()));
	page.on('websocket', (ws) => rec.requests.push(ws.url()));
	page.on('response', (r) => {
		if (r.status() >= 400) rec.failed.push(`${r.status()} ${r.url()}`);
	});
	page.on('pageerror', (e) => rec.errors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) rec.errors.push(`CSP: ${m.text()}`);
	});
	return rec;
}

/** URLs that left this machine: anything but 127.0.0.1/localhost, data: and blob:. */
export function offHostRequests(urls: string[]): string[] {
	return urls.filter((u) => {
		const url = new URL(u);
		if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
		return !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
	});
}
