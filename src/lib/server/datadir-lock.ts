// The embedded database is single-process: a second process opening the same data directory would
// corrupt it. The app writes its pid beside the data; the CLI refuses to open a directory in use.
import fs from 'node:fs';
import path from 'node:path';

const lockFile = (dataDir: string) => path.join(path.dirname(dataDir), 'gridatlas.pid');

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

export function assertDataDirFree(dataDir: string): void {
	const file = lockFile(dataDir);
	if (!fs.existsSync(file)) return;
	const pid = Number(fs.readFileSync(file, 'utf8'));
	if (pid && pid !== process.pid && alive(pid)) {
		throw new Error(
			`数据目录 ${path.dirname(dataDir)} 正被运行中的 GridAtlas（进程 ${pid}）使用：请在网页「导入」页上传，或先停止应用 / ` +
				`the data directory is in use by the running app (pid ${pid}): use the import page, or stop the app first`
		);
	}
}

export function claimDataDir(dataDir: string): void {
	assertDataDirFree(dataDir);
	fs.mkdirSync(path.dirname(dataDir), { recursive: true });
	fs.writeFileSync(lockFile(dataDir), String(process.pid));
	process.once('exit', () => {
		try {
			if (fs.readFileSync(lockFile(dataDir), 'utf8') === String(process.pid)) fs.unlinkSync(lockFile(dataDir));
		} catch {
			/* already gone */
		}
	});
}
