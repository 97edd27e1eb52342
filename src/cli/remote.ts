// The CLI's end of the command channel (src/lib/server/cli-channel/protocol.ts): when the running
// app holds the embedded data directory, a database command is sent to it and its output streamed
// back here, so nobody has to stop the app to add a token or read a report.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import cliProgress from 'cli-progress';
import { dataDirHolder, type DataDirHolder } from '../lib/server/runtime/datadir-lock';
import { channelPaths, frame, PROTOCOL_VERSION, readLines, unsafeChannel, withSocketName, type ChannelFrame } from '../lib/server/cli-channel/protocol';

export function osUser(): string {
	try {
		return os.userInfo().username;
	} catch {
		return 'unknown';
	}
}

async function readStdin(): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const c of process.stdin) chunks.push(c as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs argv through the app holding dataDir. Resolves to the exit code, with everything said on
 * stdout / stderr — or to 'gone' when the app stopped before taking the command (then the caller
 * opens the database itself).
 */
export async function runThroughApp(argv: string[], holder: DataDirHolder, dataDir: string, usage: string): Promise<number | 'gone'> {
	const paths = channelPaths(dataDir);
	const appZh = `运行中的应用（进程 ${holder.pid}）`;
	const appEn = `the running app (pid ${holder.pid})`;
	const fail = (zh: string, en: string) => {
		console.error(`${zh} / ${en}`);
		return 1;
	};
	if (!fs.existsSync(paths.socket)) {
		if (!dataDirHolder(dataDir)) return 'gone';
		return fail(
			`数据目录正被运行中的 GridAtlas（进程 ${holder.pid}）使用，但它没有命令通道（旧版本、正在停止，或通道未能开启，见应用日志）：请重启应用，或先停止应用`,
			`the data directory is in use by the running app (pid ${holder.pid}), which has no command channel (an older version, stopping, or the channel failed to open: see its log): restart the app, or stop it first`
		);
	}
	const unsafe = unsafeChannel(paths);
	if (unsafe) return fail('拒绝使用命令通道', `refusing the command channel: ${unsafe}`);
	let token: string;
	try {
		token = fs.readFileSync(paths.token, 'utf8').trim();
	} catch (err) {
		return fail(
			'无法读取命令通道的令牌：请以运行应用的系统用户执行',
			`cannot read the command channel's token (${(err as Error).message}): run gridatlas as the app's OS user`
		);
	}
	const stdin = argv.includes('--password-stdin') ? await readStdin() : undefined;

	return new Promise((resolve) => {
		const socket = withSocketName(paths.socket, (name) => net.connect(name));
		let connected = false;
		let finished = false;
		let bar: cliProgress.SingleBar | undefined;
		const done = (result: number | 'gone') => {
			if (finished) return;
			finished = true;
			bar?.stop();
			socket.destroy();
			resolve(result);
		};
		socket.on('connect', () => {
			connected = true;
			console.error(`（经${appZh}执行 / running through ${appEn}）`);
			socket.write(frame({ v: PROTOCOL_VERSION, token, user: osUser(), cwd: process.cwd(), argv, ...(stdin !== undefined ? { stdin } : {}) }));
		});
		socket.on('error', (err: NodeJS.ErrnoException) => {
			if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') && !dataDirHolder(dataDir)) return done('gone');
			if (!connected) {
				return done(
					fail(
						`${appZh}没有应答命令通道（${err.code ?? err.message}）：检查应用是否正常，或先停止应用`,
						`${appEn} does not answer on its command channel (${err.code ?? err.message}): check the app, or stop it first`
					)
				);
			}
		});
		socket.on('close', () => {
			if (finished) return;
			done(
				fail(
					'命令完成前与应用的连接断开（应用已停止？）：请检查结果后再运行（导入是一个事务：未完成则未写入）',
					'the app closed the channel before the command finished (did it stop?): check the result, then run the command again (an import is one transaction: unfinished, nothing was written)'
				)
			);
		});
		readLines(
			socket,
			(line) => {
				let f: ChannelFrame;
				try {
					f = JSON.parse(line);
				} catch {
					return;
				}
				if (f.t === 'out') process.stdout.write(f.text);
				else if (f.t === 'err') {
					bar?.stop();
					console.error(f.text);
				} else if (f.t === 'progress') {
					if (!bar) {
						bar = new cliProgress.SingleBar(
							{ format: `${f.label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true },
							cliProgress.Presets.shades_classic
						);
						bar.start(f.total, 0);
					}
					bar.update(f.done);
				} else if (f.t === 'refused') {
					console.error(`${appZh}拒绝了命令 / ${appEn} refused the command:\n  ${f.message}`);
					done(1);
				} else if (f.t === 'exit') {
					bar?.stop();
					if (f.usage) console.error(`\n${usage}`);
					done(f.code);
				}
			},
			Infinity
		);
	});
}
