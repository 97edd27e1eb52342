// The app's end of the command channel (./protocol): on the embedded engine the app owns the data
// directory, so `gridatlas token add`, `coverage`, imports … run here, inside the app, for the CLI.
// Opened by the runtime right after it claims the data directory: stale files of a killed app are
// replaced, the directory made 0700, the socket and a new random token 0600. Closed on shutdown
// (running commands may finish first) and the files removed; also on any exit of the process.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import {
	CHANNEL_COMMANDS,
	channelPaths,
	frame,
	PROTOCOL_VERSION,
	readLines,
	unsafeChannel,
	withSocketName,
	type ChannelFrame,
	type ChannelPaths,
	type ChannelRequest
} from './protocol';

export interface ChannelCommand {
	argv: string[];
	cwd: string;
	/** The CLI's OS user as it says (only the app's own OS user, or root, can reach the socket). */
	user: string;
	stdin?: string;
}

/** Runs one command, sending its output; resolves to its exit code. Must not throw. */
export type ChannelRunner = (command: ChannelCommand, send: (f: ChannelFrame) => void) => Promise<{ code: number; usage?: boolean }>;

export interface CliChannel {
	readonly paths: ChannelPaths;
	/** Stops taking commands, lets running ones finish for up to graceMs, then ends them; removes the files. */
	close(graceMs?: number): Promise<void>;
}

/** How long a client may take to send its request line. */
const REQUEST_TIMEOUT_MS = 10_000;

const refusal = (message: string): ChannelFrame => ({ t: 'refused', message });

function parseRequest(line: string): ChannelRequest | string {
	let req: Partial<ChannelRequest>;
	try {
		req = JSON.parse(line);
	} catch {
		return '请求不是 JSON / the request is not JSON';
	}
	if (typeof req !== 'object' || req === null) return '请求格式不对 / malformed request';
	if (req.v !== PROTOCOL_VERSION) {
		return (
			`命令行（协议 ${String(req.v)}）与运行中的应用（协议 ${PROTOCOL_VERSION}）版本不同：请使用与应用同一安装的 gridatlas，或停止应用后再运行 / ` +
			`the CLI (protocol ${String(req.v)}) and the running app (protocol ${PROTOCOL_VERSION}) differ: use the gridatlas of the app's installation, or stop the app first`
		);
	}
	if (typeof req.token !== 'string' || typeof req.cwd !== 'string' || !Array.isArray(req.argv) || !req.argv.every((a) => typeof a === 'string')) {
		return '请求格式不对 / malformed request';
	}
	if (req.stdin !== undefined && typeof req.stdin !== 'string') return '请求格式不对 / malformed request';
	return req as ChannelRequest;
}

function sameToken(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** An OS user name as the audit log will show it (anything odd becomes "unknown"). */
const userName = (u: unknown) => (typeof u === 'string' && /^[\p{L}\p{N}._@-]{1,64}$/u.test(u) ? u : 'unknown');

export async function openCliChannel(dataDir: string, run: ChannelRunner): Promise<CliChannel> {
	const paths = channelPaths(dataDir);
	fs.mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
	if (!fs.lstatSync(paths.dir).isDirectory()) throw new Error(`${paths.dir} is not a directory`);
	fs.chmodSync(paths.dir, 0o700);
	// A socket and token left by an app that was killed: this process holds the data directory now.
	fs.rmSync(paths.socket, { force: true });
	fs.rmSync(paths.token, { force: true });
	const token = crypto.randomBytes(32).toString('hex');
	fs.writeFileSync(paths.token, token, { mode: 0o600, flag: 'wx' });

	const connections = new Set<net.Socket>();
	const running = new Set<Promise<unknown>>();
	let closing = false;

	const server = net.createServer((socket) => {
		connections.add(socket);
		socket.on('close', () => connections.delete(socket));
		socket.on('error', () => {}); // the CLI went away (Ctrl-C): its command still finishes
		const send = (f: ChannelFrame) => {
			if (!socket.destroyed && socket.writable) socket.write(frame(f));
		};
		const refuse = (message: string) => {
			send(refusal(message));
			socket.end();
		};
		socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
		let received = false;
		readLines(socket, (line) => {
			if (received) return; // one command per connection
			received = true;
			socket.setTimeout(0);
			if (closing)
				return refuse(
					'应用正在停止：等它停止后再运行（命令行会直接打开数据库）/ the app is stopping: run the command again once it has stopped (the CLI then opens the database itself)'
				);
			const req = parseRequest(line);
			if (typeof req === 'string') return refuse(req);
			// The files are checked at every command: a channel someone opened to others is not used.
			const unsafe = unsafeChannel(paths);
			if (unsafe) return refuse(unsafe);
			if (!sameToken(req.token, token)) {
				return refuse(
					`命令通道的令牌不对：请以运行应用的系统用户执行 gridatlas，并使用该应用的数据目录（GRIDATLAS_DATA_DIR）/ ` +
						`wrong command-channel token: run gridatlas as the app's OS user, with the app's data directory (GRIDATLAS_DATA_DIR)`
				);
			}
			if (!(CHANNEL_COMMANDS as readonly string[]).includes(req.argv[0] ?? '')) {
				return refuse(`运行中的应用不执行此命令：${req.argv[0] ?? ''} / the running app does not run this command: ${req.argv[0] ?? ''}`);
			}
			const work = run({ argv: req.argv, cwd: req.cwd, user: userName(req.user), stdin: req.stdin }, send)
				.catch((err) => {
					console.error('GridAtlas: command channel:', err);
					send({ t: 'err', text: err instanceof Error ? err.message : String(err) });
					return { code: 1, usage: false };
				})
				.then((r) => {
					send({ t: 'exit', code: r.code, ...(r.usage ? { usage: true } : {}) });
					socket.end();
				});
			running.add(work);
			void work.finally(() => running.delete(work));
		});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		withSocketName(paths.socket, (name) => server.listen(name, () => resolve()));
	});
	server.on('error', (err) => console.error('GridAtlas: command channel:', err));
	fs.chmodSync(paths.socket, 0o600);

	const removeFiles = () => {
		for (const file of [paths.socket, paths.token]) fs.rmSync(file, { force: true });
	};
	process.once('exit', removeFiles);

	return {
		paths,
		async close(graceMs = 30_000) {
			if (closing) return;
			closing = true;
			server.close();
			removeFiles();
			process.off('exit', removeFiles);
			if (running.size > 0) {
				let timer: NodeJS.Timeout | undefined;
				await Promise.race([Promise.allSettled([...running]), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
				clearTimeout(timer);
			}
			for (const socket of connections) {
				if (!socket.destroyed) {
					socket.write(frame({ t: 'err', text: '应用已停止，命令未完成 / the app stopped before the command finished' }));
					socket.destroy();
				}
			}
		}
	};
}
