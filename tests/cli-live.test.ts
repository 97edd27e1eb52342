// The CLI while the app runs (issue 23, part 4). On the embedded engine the app owns the data
// directory, so `gridatlas` commands run through the app's command channel (a Unix socket in
// <data>/run, 0600 in a 0700 directory, plus a token file): tokens, accounts, coverage, isochrones and
// imports made that way are checked over the app's HTTP API; a loosened socket and a wrong token are
// refused; stopping the app removes the channel; a channel left by kill -9 does not block the next
// start. With TEST_DATABASE_URL, the server engine: the CLI goes to PostgreSQL directly as before.
// Starts the production server, so it runs with the browser tests (vite.config.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startApp, type AppServer } from './browser/helpers/app-server';
import { createTestDatabase, type TestDatabase } from './helpers/server-db';

const CENTRE = { lon: 118.7795, lat: 32.0443 }; // 新街口, inside the demo city
const USER = os.userInfo().username;

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
}

/** `gridatlas …` as an admin would type it, on the app's data directory (or a database). */
function cli(args: string[], options: { dataDir?: string; databaseUrl?: string; input?: string; cwd?: string } = {}): Promise<Run> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'gridatlas.js'), ...args], {
			cwd: options.cwd ?? ROOT,
			env: { ...process.env, GRIDATLAS_DATA_DIR: options.dataDir ?? '', DATABASE_URL: options.databaseUrl ?? '' },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.stdin.end(options.input ?? '');
		child.on('close', (status) => resolve({ status, stdout, stderr }));
	});
}

const channel = (dataDir: string) => ({
	dir: path.join(dataDir, 'run'),
	socket: path.join(dataDir, 'run', 'cli.sock'),
	token: path.join(dataDir, 'run', 'cli.token')
});

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** One request on the socket by hand (what a client that skips the CLI's own checks would send). */
function rawRequest(socketPath: string, request: object): Promise<Record<string, unknown>[]> {
	return new Promise((resolve, reject) => {
		const socket = net.connect(socketPath);
		let text = '';
		socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
		socket.on('data', (d) => (text += d));
		socket.on('error', reject);
		socket.on('close', () =>
			resolve(
				text
					.split('\n')
					.filter(Boolean)
					.map((l) => JSON.parse(l))
			)
		);
	});
}

async function signIn(url: string, username: string, password: string): Promise<number> {
	const res = await fetch(`${url}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ username, password })
	});
	await res.body?.cancel();
	return res.status;
}

describe('the CLI while the app runs (embedded engine)', () => {
	let app: AppServer;
	let dataDir: string;
	let work: string;

	beforeAll(async () => {
		app = await startApp({ timeoutMs: 300_000 });
		dataDir = app.dataDir;
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-cli-live-'));
	}, 600_000);

	afterAll(async () => {
		await app?.stop();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	it('opens a channel only its OS user can use', () => {
		const c = channel(dataDir);
		expect(fs.lstatSync(c.socket).isSocket()).toBe(true);
		expect(mode(c.dir)).toBe(0o700);
		expect(mode(c.socket)).toBe(0o600);
		expect(mode(c.token)).toBe(0o600);
		expect(fs.readFileSync(c.token, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
	});

	it('token add: made by the app, usable over HTTP at once, audited as the CLI user', async () => {
		const r = await cli(['token', 'add', '--name', 'live-feed', '--kind', 'api'], { dataDir });
		expect(r.status, r.stderr).toBe(0);
		expect(r.stderr).toContain(`running through the running app (pid ${app.pid})`);
		const token = /shown only this once\): (ga_api_\S+)/.exec(r.stdout)?.[1];
		expect(token).toBeTruthy();
		const res = await fetch(`${app.url}/api/layers/communities`, { headers: { authorization: `Bearer ${token}` } });
		expect(res.status).toBe(200);
		await res.body?.cancel();
		const list = await cli(['token', 'list'], { dataDir });
		expect(list.stdout).toMatch(/api\s+ga_api_\S+…\s+live-feed/);
		const audit = await (await app.fetch(`${app.url}/api/audit?entity=api_tokens&limit=5`)).json();
		expect(audit.entries.map((e: { actor: string }) => e.actor)).toContain(`cli:${USER}`);
	}, 120_000);

	it('user add: a generated password and one from stdin both sign in', async () => {
		const r = await cli(['user', 'add', 'live-viewer', '--role', 'viewer', '--units', '*'], { dataDir });
		expect(r.status, r.stderr).toBe(0);
		const password = /shown only this once\): (\S+)/.exec(r.stdout)![1];
		expect(await signIn(app.url, 'live-viewer', password)).toBe(200);
		const s = await cli(['user', 'add', 'live-leader', '--role', 'leader', '--units', '*', '--password-stdin'], { dataDir, input: 'a-long-live-phrase\n' });
		expect(s.status, s.stderr).toBe(0);
		expect(s.stdout).not.toContain('a-long-live-phrase');
		expect(await signIn(app.url, 'live-leader', 'a-long-live-phrase')).toBe(200);
		const audit = await (await app.fetch(`${app.url}/api/audit?entity=users&limit=20`)).json();
		const rows = audit.entries.filter((e: { entity_id: string }) => e.entity_id?.startsWith('live-'));
		expect(rows.map((e: { actor: string }) => e.actor)).toEqual([`cli:${USER}`, `cli:${USER}`]);
		// A refusal comes back with its reason and exit code 2, and the usage.
		const taken = await cli(['user', 'add', 'live-viewer', '--role', 'viewer', '--units', '*'], { dataDir });
		expect(taken.status).toBe(2);
		expect(taken.stderr).toMatch(/taken/);
		expect(taken.stderr).toContain('用法 / usage');
	}, 120_000);

	it('coverage: the report the API gives', async () => {
		const r = await cli(['coverage', '--format', 'json'], { dataDir });
		expect(r.status, r.stderr).toBe(0);
		const rows: { community: string; rule: string; households_total: number; households_covered: number }[] = JSON.parse(r.stdout);
		expect(rows.length).toBeGreaterThan(0);
		const report = await (await app.fetch(`${app.url}/api/coverage`)).json();
		const cells = new Map(report.cells.map((c: { community: string; rule: string }) => [`${c.community}/${c.rule}`, c]));
		for (const row of rows) {
			const cell = cells.get(`${row.community}/${row.rule}`) as { householdsTotal: number; householdsCovered: number };
			expect(cell, `${row.community}/${row.rule}`).toBeTruthy();
			expect([row.households_total, row.households_covered]).toEqual([cell.householdsTotal, cell.householdsCovered]);
		}
		const bad = await cli(['coverage', '--format', 'xml'], { dataDir });
		expect(bad.status).toBe(2);
		expect(bad.stderr).toMatch(/csv or json/);
	}, 120_000);

	it('isochrone: the polygons /api/isochrone gives', async () => {
		const r = await cli(['isochrone', '--lon', String(CENTRE.lon), '--lat', String(CENTRE.lat), '--minutes', '5,10'], { dataDir });
		expect(r.status, r.stderr).toBe(0);
		const fromCli = JSON.parse(r.stdout);
		const fromApi = await (await app.fetch(`${app.url}/api/isochrone?lon=${CENTRE.lon}&lat=${CENTRE.lat}&minutes=5,10`)).json();
		expect(fromCli.features.length).toBe(2);
		expect(fromCli.features.map((f: { properties: unknown }) => f.properties)).toEqual(fromApi.features.map((f: { properties: unknown }) => f.properties));
	}, 120_000);

	it('import: the app reads the file by its path (relative to where the CLI runs); a refused file writes nothing', async () => {
		const name = '命令行药店';
		fs.writeFileSync(
			path.join(work, 'shops.geojson'),
			JSON.stringify({
				type: 'FeatureCollection',
				features: [
					{ type: 'Feature', properties: { id: 'cli-live-1', category: 'pharmacy', name }, geometry: { type: 'Point', coordinates: [CENTRE.lon, CENTRE.lat] } }
				]
			})
		);
		const r = await cli(['import', 'shops.geojson', '--layer', 'facilities'], { dataDir, cwd: work });
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/written:\s+1 /);
		const d = 0.001;
		const layer = await (
			await app.fetch(`${app.url}/api/layers/facilities?bbox=${CENTRE.lon - d},${CENTRE.lat - d},${CENTRE.lon + d},${CENTRE.lat + d}`)
		).json();
		expect(layer.features.map((f: { properties: { name: string } }) => f.properties.name)).toContain(name);

		fs.writeFileSync(path.join(work, 'junk.geojson'), '\u0000\u0001binary junk');
		const bad = await cli(['import', 'junk.geojson', '--layer', 'facilities'], { dataDir, cwd: work });
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain('nothing written');
		const missing = await cli(['import', 'nowhere.geojson', '--layer', 'facilities'], { dataDir, cwd: work });
		expect(missing.status).toBe(2);
		expect(missing.stderr).toMatch(/no such file/);
	}, 120_000);

	it('commands that need the app stopped say so', async () => {
		const demo = await cli(['demo'], { dataDir });
		expect(demo.status).toBe(1);
		expect(demo.stderr).toMatch(/in use by the running app \(pid \d+\): stop the app to reload the demo city/);
		const backup = await cli(['backup', '--out', path.join(work, 'b.tar.gz')], { dataDir });
		expect(backup.status).toBe(1);
		expect(backup.stderr).toMatch(/stop the app before a backup/);
	}, 60_000);

	it('refuses a channel opened to others, and a wrong token', async () => {
		const c = channel(dataDir);
		const token = fs.readFileSync(c.token, 'utf8');
		fs.chmodSync(c.socket, 0o666);
		try {
			const r = await cli(['token', 'list'], { dataDir });
			expect(r.status).toBe(1);
			expect(r.stderr).toMatch(/mode 666, open to other users/);
			// The app checks too: a client that skips the CLI's checks is refused.
			const frames = await rawRequest(c.socket, { v: 1, token, user: USER, cwd: work, argv: ['token', 'list'] });
			expect(frames).toEqual([{ t: 'refused', message: expect.stringMatching(/open to other users/) }]);
		} finally {
			fs.chmodSync(c.socket, 0o600);
		}
		fs.writeFileSync(c.token, '0'.repeat(64));
		try {
			const r = await cli(['token', 'list'], { dataDir });
			expect(r.status).toBe(1);
			expect(r.stderr).toMatch(/wrong command-channel token/);
		} finally {
			fs.writeFileSync(c.token, token);
		}
		const other = await rawRequest(c.socket, { v: 99, token, user: USER, cwd: work, argv: ['token', 'list'] });
		expect(other[0]).toMatchObject({ t: 'refused', message: expect.stringMatching(/protocol 99/) });
		const notForTheApp = await rawRequest(c.socket, { v: 1, token, user: USER, cwd: work, argv: ['restore', 'x'] });
		expect(notForTheApp[0]).toMatchObject({ t: 'refused', message: expect.stringMatching(/does not run this command/) });
		expect((await cli(['token', 'list'], { dataDir })).status).toBe(0);
	}, 60_000);

	it('stopping the app removes the channel; then the CLI opens the database itself', async () => {
		await app.stop({ keepData: true });
		const c = channel(dataDir);
		expect(fs.existsSync(c.socket)).toBe(false);
		expect(fs.existsSync(c.token)).toBe(false);
		expect(fs.existsSync(path.join(dataDir, 'gridatlas.pid'))).toBe(false);
		const r = await cli(['token', 'list'], { dataDir });
		expect(r.status, r.stderr).toBe(0);
		expect(r.stderr).not.toContain('running through');
		expect(r.stdout).toContain('live-feed');
	}, 120_000);

	it('a channel left by kill -9 does not block the next start', async () => {
		const killed = await startApp({ dataDir, timeoutMs: 300_000 });
		const exited = new Promise<void>((resolve) => {
			const poll = () => (killed.exitCode() !== undefined ? resolve() : setTimeout(poll, 50));
			poll();
		});
		process.kill(killed.pid, 'SIGKILL');
		await exited;
		await killed.stop({ keepData: true });
		const c = channel(dataDir);
		expect(fs.existsSync(c.socket)).toBe(true); // left behind
		app = await startApp({ dataDir, timeoutMs: 300_000 });
		expect(mode(c.socket)).toBe(0o600);
		const r = await cli(['token', 'list'], { dataDir });
		expect(r.status, r.stderr).toBe(0);
		expect(r.stderr).toContain(`(pid ${app.pid})`);
		expect(r.stdout).toContain('live-feed');
	}, 600_000);
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('the CLI while the app runs (server engine)', () => {
	let database: TestDatabase;
	let app: AppServer;

	beforeAll(async () => {
		database = await createTestDatabase('clilive');
		app = await startApp({ database: database.url, demo: false, timeoutMs: 300_000 });
	}, 600_000);

	afterAll(async () => {
		await app?.stop();
		await database?.drop();
	});

	it('connects to PostgreSQL directly, and the app sees the change', async () => {
		const r = await cli(['token', 'add', '--name', 'pg-feed', '--kind', 'api'], { databaseUrl: database.url, dataDir: app.dataDir });
		expect(r.status, r.stderr).toBe(0);
		expect(r.stderr).not.toContain('running through');
		const token = /shown only this once\): (ga_api_\S+)/.exec(r.stdout)![1];
		const res = await fetch(`${app.url}/api/layers/communities`, { headers: { authorization: `Bearer ${token}` } });
		expect(res.status).toBe(200);
		await res.body?.cancel();
	}, 120_000);
});
