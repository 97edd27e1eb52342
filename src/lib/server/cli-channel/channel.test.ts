// The command channel on its own, without an app or a database: its files and their modes, a stale
// socket replaced, a data directory whose socket path is too long to bind as it is, the token, the
// command list, loosened modes, and a close that lets a running command finish. (The CLI through a
// running app, end to end: tests/cli-live.test.ts.)
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCliChannel, type ChannelCommand } from './server';
import { channelPaths, SOCKET_PATH_MAX, withSocketName, type ChannelFrame } from './protocol';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function dataDirIn(...parts: string[]): string {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-channel-'));
	roots.push(root);
	return path.join(root, ...parts, 'pglite');
}

function request(socketPath: string, body: object): Promise<ChannelFrame[]> {
	return new Promise((resolve, reject) => {
		const socket = withSocketName(socketPath, (name) => net.connect(name));
		let text = '';
		socket.on('connect', () => socket.write(`${JSON.stringify(body)}\n`));
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

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('command channel', () => {
	it('runs a command for the holder of the token, with private files; close removes them', async () => {
		const dataDir = dataDirIn();
		const paths = channelPaths(dataDir);
		// What a killed app leaves (a socket file nobody listens on: tests/cli-live.test.ts kills an app
		// for a real one), its old token, and a directory open to others.
		fs.mkdirSync(paths.dir, { recursive: true, mode: 0o755 });
		fs.writeFileSync(paths.socket, '');
		fs.writeFileSync(paths.token, 'old', { mode: 0o644 });
		fs.writeFileSync(paths.socket + '.keep', ''); // unrelated file: left alone
		const seen: ChannelCommand[] = [];
		const channel = await openCliChannel(dataDir, async (command, send) => {
			seen.push(command);
			send({ t: 'out', text: 'hello\n' });
			send({ t: 'err', text: 'note' });
			return { code: 3 };
		});
		expect([mode(paths.dir), mode(paths.socket), mode(paths.token)]).toEqual([0o700, 0o600, 0o600]);
		const token = fs.readFileSync(paths.token, 'utf8');
		expect(token).toMatch(/^[0-9a-f]{64}$/);
		const frames = await request(paths.socket, { v: 1, token, user: 'ops', cwd: '/srv', argv: ['token', 'list'], stdin: 'pw' });
		expect(frames).toEqual([
			{ t: 'out', text: 'hello\n' },
			{ t: 'err', text: 'note' },
			{ t: 'exit', code: 3 }
		]);
		expect(seen).toEqual([{ argv: ['token', 'list'], cwd: '/srv', user: 'ops', stdin: 'pw' }]);
		// A user name the audit log should not show as given.
		await request(paths.socket, { v: 1, token, user: 'x y\n', cwd: '/', argv: ['migrate'] });
		expect(seen[1].user).toBe('unknown');

		const refused = async (body: object) => {
			const f = await request(paths.socket, body);
			expect(f).toHaveLength(1);
			expect(f[0].t).toBe('refused');
			return (f[0] as { message: string }).message;
		};
		expect(await refused({ v: 1, token: 'f'.repeat(64), user: 'ops', cwd: '/', argv: ['token', 'list'] })).toMatch(/wrong command-channel token/);
		expect(await refused({ v: 1, token, user: 'ops', cwd: '/', argv: ['backup'] })).toMatch(/does not run this command: backup/);
		expect(await refused({ v: 2, token, user: 'ops', cwd: '/', argv: ['token', 'list'] })).toMatch(/protocol 2/);
		expect(await refused({ v: 1, token, cwd: '/', argv: 'token list' })).toMatch(/malformed request/);
		fs.chmodSync(paths.dir, 0o755);
		expect(await refused({ v: 1, token, user: 'ops', cwd: '/', argv: ['token', 'list'] })).toMatch(/mode 755, open to other users/);
		fs.chmodSync(paths.dir, 0o700);
		fs.chmodSync(paths.token, 0o644);
		expect(await refused({ v: 1, token, user: 'ops', cwd: '/', argv: ['token', 'list'] })).toMatch(/mode 644/);
		fs.chmodSync(paths.token, 0o600);
		expect(seen).toHaveLength(2);

		await channel.close();
		expect(fs.existsSync(paths.socket)).toBe(false);
		expect(fs.existsSync(paths.token)).toBe(false);
		expect(fs.existsSync(paths.socket + '.keep')).toBe(true);
	});

	it('binds a socket whose path is too long for an address, relative to its directory', async () => {
		const dataDir = dataDirIn('a-directory-name-long-enough'.repeat(3), 'to-pass-the-limit');
		const paths = channelPaths(dataDir);
		expect(Buffer.byteLength(paths.socket)).toBeGreaterThan(SOCKET_PATH_MAX);
		const cwd = process.cwd();
		const channel = await openCliChannel(dataDir, async (_c, send) => {
			send({ t: 'out', text: 'ok' });
			return { code: 0 };
		});
		expect(process.cwd()).toBe(cwd);
		expect(fs.readdirSync(paths.dir).sort()).toEqual(['cli.sock', 'cli.token']);
		const token = fs.readFileSync(paths.token, 'utf8');
		expect(await request(paths.socket, { v: 1, token, user: 'ops', cwd, argv: ['coverage'] })).toEqual([
			{ t: 'out', text: 'ok' },
			{ t: 'exit', code: 0 }
		]);
		await channel.close();
		expect(fs.readdirSync(paths.dir)).toEqual([]);
	});

	it('on close, takes no new command and lets a running one finish', async () => {
		const dataDir = dataDirIn();
		const paths = channelPaths(dataDir);
		let release!: () => void;
		let started!: () => void;
		const running = new Promise<void>((r) => (started = r));
		const channel = await openCliChannel(dataDir, async (_c, send) => {
			started();
			await new Promise<void>((r) => (release = r));
			send({ t: 'out', text: 'finished' });
			return { code: 0 };
		});
		const token = fs.readFileSync(paths.token, 'utf8');
		const answer = request(paths.socket, { v: 1, token, user: 'ops', cwd: '/', argv: ['import', 'x'] });
		await running;
		let closed = false;
		const closing = channel.close(600_000).then(() => (closed = true));
		await new Promise((r) => setImmediate(r));
		expect(closed).toBe(false); // waits for the command
		expect(fs.existsSync(paths.socket)).toBe(false); // but no one new can connect
		release();
		await closing;
		expect(await answer).toEqual([
			{ t: 'out', text: 'finished' },
			{ t: 'exit', code: 0 }
		]);
	});
});
