// The production set-up of docs/operations.md, run where this machine can: the nginx site of
// deploy/nginx/gridatlas.conf passes `nginx -t` and, started for real in front of the app (only its
// addresses, certificate and log paths replaced), serves HTTPS with Secure session cookies, redirects
// plain HTTP and passes the case stream through at once; the systemd units of deploy/systemd pass
// `systemd-analyze verify`. Each part is skipped when the tool is not installed (CI installs nginx).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT, startApp, type AppServer } from '../browser/helpers/app-server';
import { TEST_DEMO_PASSWORD } from '../browser/helpers/session';
import { seenWithin } from '../helpers/server-db';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const nginx = ['/usr/sbin/nginx', 'nginx'].find((c) => spawnSync(c, ['-v']).status === 0);

function get(url: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
	const lib = url.startsWith('https:') ? https : http;
	return new Promise((resolve, reject) => {
		const req = lib.request(url, { method: body ? 'POST' : 'GET', headers, rejectUnauthorized: false, agent: false }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (text += d));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

describe.skipIf(!nginx)('nginx in front of the app (deploy/nginx/gridatlas.conf)', () => {
	let dir: string;
	let app: AppServer;
	let proxy: ChildProcess | undefined;
	let httpsPort: number;
	let httpPort: number;

	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-nginx-'));
		const key = path.join(dir, 'gridatlas.key');
		const crt = path.join(dir, 'gridatlas.crt');
		const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=localhost'], {
			encoding: 'utf8'
		});
		expect(ssl.status, ssl.stderr).toBe(0);
		app = await startApp({ demo: false, env: { GRIDATLAS_TRUSTED_PROXIES: '127.0.0.1' } });
		[httpsPort, httpPort] = [await freePort(), await freePort()];
		const site = fs
			.readFileSync(path.join(ROOT, 'deploy/nginx/gridatlas.conf'), 'utf8')
			.replace('server 127.0.0.1:3000;', `server ${new URL(app.url).host};`)
			.replace('listen 443 ssl', `listen 127.0.0.1:${httpsPort} ssl`)
			.replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
			.replaceAll('/etc/ssl/gridatlas/', `${dir}/`)
			.replaceAll('/var/log/nginx/', `${dir}/`);
		fs.writeFileSync(path.join(dir, 'site.conf'), site);
		const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`).join(' ');
		fs.writeFileSync(
			path.join(dir, 'nginx.conf'),
			`pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log ${dir}/access.log;\n  ${temp}\n  include ${dir}/site.conf;\n}\n`
		);
	}, 200_000);

	afterAll(async () => {
		if (proxy && proxy.exitCode === null) {
			const done = new Promise((r) => proxy!.once('exit', r));
			proxy.kill('SIGQUIT');
			await done;
		}
		await app?.stop();
		if (dir) fs.rmSync(dir, { recursive: true, force: true });
	});

	it('passes nginx -t', () => {
		const t = spawnSync(nginx!, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { encoding: 'utf8' });
		expect(t.status, t.stderr).toBe(0);
		expect(t.stderr).toMatch(/test is successful/);
	});

	it('serves the app over HTTPS with Secure cookies, redirects HTTP, and streams cases unbuffered', async () => {
		proxy = spawn(nginx!, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: 'ignore' });
		const base = `https://127.0.0.1:${httpsPort}`;
		await seenWithin(10_000, async () => (await get(`${base}/api/health`).catch(() => ({ status: 0, body: '' }))).body.includes('"status":"ok"'));
		const redirect = await get(`http://127.0.0.1:${httpPort}/map`);
		expect(redirect.status).toBe(301);
		expect(redirect.headers.location).toBe(`https://127.0.0.1/map`);
		// signed in through the proxy: the app believes it (a trusted proxy) and marks the cookie Secure
		const signIn = await get(
			`${base}/api/session`,
			{ 'content-type': 'application/json', origin: `https://127.0.0.1:${httpsPort}` },
			JSON.stringify({ username: 'admin', password: TEST_DEMO_PASSWORD })
		);
		expect(signIn.status).toBe(200);
		const setCookie = String(signIn.headers['set-cookie']);
		expect(setCookie).toMatch(/; Secure/i);
		const cookie = setCookie.split(';')[0];
		// the case stream: a case posted reaches it through nginx while the connection stays open
		const frames: string[] = [];
		const stream = https.get(`${base}/api/cases/stream`, { headers: { cookie }, rejectUnauthorized: false, agent: false }, (res) => {
			res.setEncoding('utf8');
			res.on('data', (d: string) => frames.push(d));
		});
		try {
			await seenWithin(5_000, async () => frames.join('').includes(': connected'));
			const post = await get(
				`${base}/api/cases`,
				{ cookie, 'content-type': 'application/json', origin: `https://127.0.0.1:${httpsPort}` },
				JSON.stringify({ id: 'nginx-1', category: 'other', lon: 118.78, lat: 32.04 })
			);
			expect(post.status, post.body).toBeLessThan(300);
			await seenWithin(2_000, async () => frames.join('').includes('"id":"nginx-1"'));
		} finally {
			stream.destroy();
		}
	}, 120_000);
});

describe.skipIf(!has('systemd-analyze'))('systemd units (deploy/systemd)', () => {
	it('pass systemd-analyze verify', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-units-'));
		try {
			const units = fs.readdirSync(path.join(ROOT, 'deploy/systemd'));
			// installed under /opt/gridatlas: here, the checkout (so the scripts they run exist)
			for (const u of units)
				fs.writeFileSync(path.join(dir, u), fs.readFileSync(path.join(ROOT, 'deploy/systemd', u), 'utf8').replaceAll('/opt/gridatlas', ROOT));
			const r = spawnSync('systemd-analyze', ['verify', ...units.map((u) => path.join(dir, u))], { encoding: 'utf8' });
			const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !/Failed to .*(connect|bus)|not booted|SystemdOptions/.test(l));
			expect(problems, problems.join('\n')).toEqual([]);
			expect(r.status).toBe(0);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
