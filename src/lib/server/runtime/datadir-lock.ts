// The embedded database is single-process: a second process opening the same data directory would
// corrupt it. Whoever opens it — the app, or a CLI command run while the app is stopped — writes its
// pid (and which of the two it is) to `gridatlas.pid` beside the data; everyone else checks it first.
// A CLI command finding the app there runs through the app instead (./cli-channel).
import { GridAtlasError } from '$geo/errors';
import fs from 'node:fs';
import path from 'node:path';

export type HolderKind = 'app' | 'cli';

export interface DataDirHolder {
	pid: number;
	/** The app (which may offer a command channel) or a command of the CLI (backup, import …). */
	kind: HolderKind;
}

const lockFile = (dataDir: string) => path.join(path.dirname(dataDir), 'gridatlas.pid');

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		// EPERM: a process of another user is alive under that pid.
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The live process holding the data directory (never this one), or null. */
export function dataDirHolder(dataDir: string): DataDirHolder | null {
	let text: string;
	try {
		text = fs.readFileSync(lockFile(dataDir), 'utf8');
	} catch {
		return null;
	}
	// "<pid>" (apps before the command channel, and the kind's default) or "<pid>\n<kind>".
	const [pidText, kindText] = text.trim().split(/\s+/);
	const pid = Number(pidText);
	if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !alive(pid)) return null;
	return { pid, kind: kindText === 'cli' ? 'cli' : 'app' };
}

export class DataDirInUseError extends GridAtlasError {
	constructor(
		readonly holder: DataDirHolder,
		readonly dir: string,
		advice?: { zh: string; en: string }
	) {
		const a =
			advice ??
			(holder.kind === 'app' ? { zh: '请先停止应用', en: 'stop the app first' } : { zh: '请等它结束后再试', en: 'wait for it to finish, then try again' });
		super(
			holder.kind === 'app'
				? `数据目录 ${dir} 正被运行中的 GridAtlas（进程 ${holder.pid}）使用：${a.zh} / the data directory ${dir} is in use by the running app (pid ${holder.pid}): ${a.en}`
				: `数据目录 ${dir} 正被另一个 gridatlas 命令（进程 ${holder.pid}）使用：${a.zh} / the data directory ${dir} is in use by another gridatlas command (pid ${holder.pid}): ${a.en}`,
			{ code: 'datadir_in_use', status: 409 }
		);
		this.name = 'DataDirInUseError';
	}
}

export function assertDataDirFree(dataDir: string, advice?: { zh: string; en: string }): void {
	const holder = dataDirHolder(dataDir);
	if (holder) throw new DataDirInUseError(holder, path.dirname(dataDir), advice);
}

/**
 * Marks the data directory as this process's until the returned release is called (or the process
 * exits). A claim this process already held (a library caller that also runs the app) is left as it was.
 */
export function claimDataDir(dataDir: string, kind: HolderKind = 'app'): () => void {
	assertDataDirFree(dataDir);
	const file = lockFile(dataDir);
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const mine = `${process.pid}\n${kind}\n`;
	const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
	if (previous !== undefined && Number(previous.trim().split(/\s+/)[0]) === process.pid) return () => {};
	fs.writeFileSync(file, mine);
	const release = () => {
		process.off('exit', release);
		try {
			if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
		} catch {
			/* already gone */
		}
	};
	process.once('exit', release);
	return release;
}
