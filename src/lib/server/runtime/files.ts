// Files the app writes beside a running copy of itself: another process (a second app process, the CLI)
// may be reading or writing the same file, so a file appears whole or not at all.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
	/** Mode of a created file (default 0o666 less the umask). */
	fileMode?: number;
	/** Mode of created folders (default 0o777 less the umask). */
	dirMode?: number;
}

/** Writes `file` under a temporary name beside it and renames it into place; the temporary file never outlives a failure. */
export function writeFileAtomically(file: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): void {
	fs.mkdirSync(path.dirname(file), { recursive: true, mode: options.dirMode });
	const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
	try {
		fs.writeFileSync(tmp, data, { mode: options.fileMode });
		fs.renameSync(tmp, file);
	} catch (err) {
		fs.rmSync(tmp, { force: true });
		throw err;
	}
}
