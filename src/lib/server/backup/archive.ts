// Reading a backup file before anything is restored: what kind it is, its tar entries checked, and
// the .tar.gz inflated within caps (a gzip bomb is refused).
import fs from 'node:fs';
import path from 'node:path';
import { inflateCapped } from '$geo/archive';
import { FileProblem } from '$geo/issues';
import { type ArchiveKind, BackupError } from './common';

const notABackup = (file: string, zh: string, en: string) =>
	new BackupError('not_a_backup', `${path.basename(file)} 不是 GridAtlas 备份（${zh}） / ${path.basename(file)} is not a GridAtlas backup (${en})`);

export const corrupt = (file: string, zh: string, en: string) =>
	new BackupError(
		'corrupt',
		`备份文件已损坏或不完整：${path.basename(file)}（${zh}），未写入任何数据 / ` +
			`the backup file is damaged or truncated: ${path.basename(file)} (${en}); nothing was written`
	);

/** What a file looks like from its first bytes: PGlite tarball (gzip or tar), pg_dump custom archive. */
export function archiveKind(file: string): ArchiveKind {
	const fd = fs.openSync(file, 'r');
	const head = Buffer.alloc(512);
	let n: number;
	try {
		n = fs.readSync(fd, head, 0, 512, 0);
	} finally {
		fs.closeSync(fd);
	}
	if (n === 0) throw notABackup(file, '文件为空', 'the file is empty');
	if (n >= 5 && head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
	if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
	if (n >= 263 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'pglite';
	throw notABackup(file, '既不是内嵌数据库的 .tar.gz，也不是 pg_dump 文件', 'neither an embedded-database .tar.gz nor a pg_dump archive');
}

interface TarEntry {
	name: string;
	type: 'file' | 'dir' | 'other';
	size: number;
}

/** Lists a tar archive, checking every header's checksum and that no entry runs past the end. */
export function listTar(tar: Uint8Array): TarEntry[] {
	const entries: TarEntry[] = [];
	const text = (a: number, b: number) =>
		Buffer.from(tar.subarray(a, b))
			.toString('utf8')
			.replace(/\0[\s\S]*$/, '');
	let off = 0;
	while (off + 512 <= tar.length) {
		const h = tar.subarray(off, off + 512);
		if (h.every((b) => b === 0)) return entries; // end-of-archive marker
		let sum = 0;
		for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
		const stored = parseInt(text(off + 148, off + 156).trim(), 8);
		if (stored !== sum) throw new Error(`tar header checksum mismatch at byte ${off}`);
		const size = parseInt(text(off + 124, off + 136).trim() || '0', 8);
		if (!Number.isFinite(size) || size < 0) throw new Error(`bad tar size at byte ${off}`);
		const prefix = text(off + 345, off + 500);
		const name = (prefix ? `${prefix}/` : '') + text(off, off + 100);
		const flag = String.fromCharCode(h[156]);
		const type = flag === '0' || flag === '\0' ? 'file' : flag === '5' ? 'dir' : 'other';
		off += 512 + Math.ceil(size / 512) * 512;
		if (off > tar.length) throw new Error(`entry ${name} runs past the end of the archive`);
		entries.push({ name: name.replace(/^\/+/, '').replace(/\/+$/, ''), type, size });
	}
	// PGlite's archives end with the zero blocks; missing them means the file was cut short.
	throw new Error('the archive ends without its end-of-archive marker');
}

/**
 * A PGlite backup inflates about 9–10 × (measured: a fresh database and one with 200,000 rows), so 100 ×
 * its .tar.gz (and at least 64 MiB) is room to spare; no running ratio check, as idle WAL segments
 * are all zeros. 4 GiB is the largest array Node 20 holds: the tar is held whole, so no real backup is larger.
 */
const BACKUP_MAX_RATIO = 100;
const BACKUP_FLOOR_BYTES = 64 * 1024 * 1024;
const MAX_TAR_BYTES = 2 ** 32 - 1;

/** The .tar.gz inflated within those caps: a gzip bomb is refused before it fills the memory. */
async function gunzipBackup(file: string, raw: Uint8Array): Promise<Uint8Array> {
	try {
		return await inflateCapped(raw, 'gzip', {
			what: path.basename(file),
			maxBytes: Math.min(MAX_TAR_BYTES, Math.max(BACKUP_FLOOR_BYTES, BACKUP_MAX_RATIO * raw.length))
		});
	} catch (err) {
		if (err instanceof FileProblem) {
			throw new BackupError(
				'too_large',
				`${err.text.zh}（备份约为压缩文件的 10 倍），未写入任何数据 / ${err.text.en} (a backup is about 10 × its .tar.gz); nothing was written`
			);
		}
		throw corrupt(file, `gzip 解压失败：${(err as Error).message}`, `gzip: ${(err as Error).message}`);
	}
}

/** Reads and checks an embedded-engine backup; returns the tarball bytes (uncompressed). */
export async function readEmbeddedArchive(file: string): Promise<Uint8Array> {
	const raw = fs.readFileSync(file);
	const tar = raw[0] === 0x1f && raw[1] === 0x8b ? await gunzipBackup(file, raw) : raw;
	let entries: TarEntry[];
	try {
		entries = listTar(tar);
	} catch (err) {
		// A gzip of something that is not a tar at all is simply not a backup.
		if (!Buffer.from(tar.subarray(257, 262)).equals(Buffer.from('ustar'))) {
			throw notABackup(file, '压缩包里不是 tar 归档', 'the gzip does not hold a tar archive');
		}
		throw corrupt(file, `tar 归档损坏：${(err as Error).message}`, `tar: ${(err as Error).message}`);
	}
	const names = new Map(entries.map((e) => [e.name, e]));
	if (entries.some((e) => e.name.split('/').includes('..'))) {
		throw notABackup(file, '归档含有 “..” 路径', 'the archive has “..” paths');
	}
	const missing = ['PG_VERSION', 'global/pg_control'].filter((n) => names.get(n)?.type !== 'file');
	if (missing.length || names.get('base')?.type !== 'dir') {
		const what = missing.length ? missing : ['base/'];
		throw notABackup(file, `tar 中没有数据库目录，缺少 ${what.join('、')}`, `the tar holds no database directory: no ${what.join(', ')}`);
	}
	return tar;
}
