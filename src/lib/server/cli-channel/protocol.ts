// The command channel between `gridatlas` and the running app on the embedded engine: where its
// files are, the messages, and their framing. Shared by both ends (./server, src/cli/remote.ts).
//
// Newline-delimited JSON over a Unix domain socket, one command per connection:
//   CLI → app, one line:  {"v":1,"token":"…","user":"ops","cwd":"/home/ops","argv":["token","add",…],"stdin"?:"…"}
//   app → CLI, lines:     {"t":"out","text":"…"} | {"t":"err","text":"…"} | {"t":"progress","label":"…","done":n,"total":n}
//                         … then one {"t":"exit","code":0|1|2,"usage"?:true} — or {"t":"refused","message":"…"} and the end.
// Who may use it: the socket and the token file are 0600 in a 0700 directory owned by the app's OS
// user (checked by both ends, so a loosened mode is refused even for root), and the first line must
// carry the token from that file, new at every start.
import fs from 'node:fs';
import path from 'node:path';
import type { Socket } from 'node:net';

export const PROTOCOL_VERSION = 1;

/** The commands the app runs for the CLI (all work on the database; the rest never reach the app). */
export const CHANNEL_COMMANDS = ['import', 'migrate', 'coverage', 'isochrone', 'user', 'token', 'mapping'] as const;

/** The largest first line (arguments and a password from stdin; files travel as paths). */
export const MAX_REQUEST_BYTES = 1 << 20;

export interface ChannelRequest {
	v: number;
	token: string;
	/** The CLI's operating-system user: the audit log's actor is `cli:<user>`. */
	user: string;
	/** The CLI's working directory: relative file names are resolved against it. */
	cwd: string;
	argv: string[];
	/** What the CLI read from its standard input (--password-stdin), if anything. */
	stdin?: string;
}

export type ChannelFrame =
	| { t: 'out'; text: string }
	| { t: 'err'; text: string }
	| { t: 'progress'; label: string; done: number; total: number }
	| { t: 'exit'; code: number; usage?: boolean }
	| { t: 'refused'; message: string };

export interface ChannelPaths {
	dir: string;
	socket: string;
	token: string;
}

/** `<GRIDATLAS_DATA_DIR>/run/{cli.sock,cli.token}` for the embedded database in `<…>/pglite`. */
export function channelPaths(dataDir: string): ChannelPaths {
	const dir = path.join(path.dirname(dataDir), 'run');
	return { dir, socket: path.join(dir, 'cli.sock'), token: path.join(dir, 'cli.token') };
}

/** Unix socket addresses are at most 107 bytes (longer ones are silently cut): such a path is bound relative to its directory. */
export const SOCKET_PATH_MAX = 100;

/**
 * Runs fn with the process's working directory in `dir` when `file` is too long to name a socket
 * (bind and connect take the name synchronously), so it can be given relative. Returns what fn gives.
 */
export function withSocketName<T>(file: string, fn: (name: string) => T): T {
	if (Buffer.byteLength(file) <= SOCKET_PATH_MAX) return fn(file);
	const before = process.cwd();
	process.chdir(path.dirname(file));
	try {
		return fn(`./${path.basename(file)}`);
	} finally {
		process.chdir(before);
	}
}

/**
 * Why the channel's files may not be trusted, in both languages, or null when they are private:
 * the directory and each file must belong to this user (or this process is root) and be closed to
 * group and others, and the socket must be a socket.
 */
export function unsafeChannel(paths: ChannelPaths, uid = process.getuid?.() ?? -1): string | null {
	const checks: [string, 'dir' | 'socket' | 'file', number][] = [
		[paths.dir, 'dir', 0o700],
		[paths.socket, 'socket', 0o600],
		[paths.token, 'file', 0o600]
	];
	for (const [file, type, wanted] of checks) {
		let st: fs.Stats;
		try {
			st = fs.lstatSync(file);
		} catch {
			return `命令通道文件不存在：${file} / the command channel's file is missing: ${file}`;
		}
		const isType = type === 'dir' ? st.isDirectory() : type === 'socket' ? st.isSocket() : st.isFile();
		if (!isType) return `命令通道文件类型不对：${file} / the command channel's file is not a ${type}: ${file}`;
		if ((st.mode & 0o077) !== 0) {
			return (
				`命令通道 ${file} 的权限为 ${(st.mode & 0o777).toString(8)}，其他用户可访问（应为 ${wanted.toString(8)}）：重启应用以重建 / ` +
				`the command channel ${file} has mode ${(st.mode & 0o777).toString(8)}, open to other users (should be ${wanted.toString(8)}): restart the app to recreate it`
			);
		}
		if (uid !== 0 && uid !== -1 && st.uid !== uid) {
			return `命令通道 ${file} 属于另一个用户（uid ${st.uid}）/ the command channel ${file} belongs to another user (uid ${st.uid})`;
		}
	}
	return null;
}

/** Calls onLine for each complete line received; a line over maxBytes ends the connection. */
export function readLines(socket: Socket, onLine: (line: string) => void, maxBytes = MAX_REQUEST_BYTES): void {
	let buffered = '';
	socket.setEncoding('utf8');
	socket.on('data', (chunk: string) => {
		buffered += chunk;
		let nl: number;
		while ((nl = buffered.indexOf('\n')) >= 0) {
			const line = buffered.slice(0, nl);
			buffered = buffered.slice(nl + 1);
			if (line.trim()) onLine(line);
		}
		if (buffered.length > maxBytes) socket.destroy();
	});
}

export const frame = (f: ChannelFrame | ChannelRequest): string => `${JSON.stringify(f)}\n`;
