// Inside the running app: runs a command the CLI sent over the command channel with the same code
// the CLI runs on its own (./commands), on the app's database, as `cli:<os user>` in the audit log.
//
// Work goes through the same server functions as from the web (the import page, /api/coverage,
// /api/isochrone), heavy parts on the app's job workers: a CLI command costs the app's requests what
// that request would.
import type { Db } from '../lib/server/db';
import { runAs } from '../lib/server/auth/actor';
import type { ChannelRunner } from '../lib/server/cli-channel/server';
import type { ChannelFrame } from '../lib/server/cli-channel/protocol';
import { describeFailure, runDatabaseCommand } from './commands';
import type { CommandIO } from './io';

/** At most this often a progress message (an import reports every feature). */
const PROGRESS_EVERY_MS = 200;

function channelIO(send: (f: ChannelFrame) => void, stdin: string | undefined): CommandIO {
	let lastProgress = 0;
	return {
		write: (text) => send({ t: 'out', text }),
		log: (line) => send({ t: 'out', text: `${line}\n` }),
		error: (line) => send({ t: 'err', text: line }),
		progress(label, done, total) {
			const now = Date.now();
			if (done < total && now - lastProgress < PROGRESS_EVERY_MS) return;
			lastProgress = now;
			send({ t: 'progress', label, done, total });
		},
		stdin: async () => stdin ?? ''
	};
}

/**
 * The runner the app's command channel calls. `database` resolves when the app's database is open
 * (at once, except while the app starts); `ready` says whether it already is.
 */
export function runInApp(database: () => Promise<Db>, ready: () => boolean): ChannelRunner {
	return (command, send) => {
		const io = channelIO(send, command.stdin);
		return runAs(`cli:${command.user}`, async () => {
			try {
				const code = await runDatabaseCommand(command.argv, {
					io,
					cwd: command.cwd,
					withDb: async (fn) => {
						if (!ready()) io.error('应用正在启动，等待数据库… / the app is starting; waiting for its database…');
						return fn(await database());
					}
				});
				return { code };
			} catch (err) {
				const failure = describeFailure(err);
				io.error(failure.message);
				if (!failure.known) console.error(`GridAtlas: command channel: ${command.argv[0]} of cli:${command.user} failed:`, err);
				return { code: failure.code, usage: failure.usage };
			}
		});
	};
}
