// Case photos in backups. The photos are files (photos.ts), not rows, so a backup of either engine
// carries them in a second file beside the database archive: `<backup>.photos.tar`, a plain tar of
// the photo directory (JPEGs do not compress). Restore reads it when it is there, checks every entry
// (checksums, names of the photo directory's own shape, no "..") and swaps the photo directory in
// whole, as the database's directory is swapped: a refused archive writes nothing.
import { GridAtlasError } from '$geo/errors';
import fs from 'node:fs';
import path from 'node:path';

export const PHOTO_TAR_SUFFIX = '.photos.tar';
/** <yyyy>/<mm>/<id>.<ext> or <id>.thumb.<ext>, as photos.ts writes them. */
const ENTRY = /^[0-9]{4}\/[0-9]{2}\/[A-Za-z0-9_-]{8,64}(\.thumb)?\.(jpg|png|webp|heic)$/;

function files(dir: string): string[] {
	const out: string[] = [];
	const walk = (rel: string) => {
		for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
			const r = rel ? `${rel}/${e.name}` : e.name;
			if (e.isDirectory()) walk(r);
			else if (e.isFile() && ENTRY.test(r)) out.push(r);
		}
	};
	if (fs.existsSync(dir)) walk('');
	return out.sort();
}

function header(name: string, size: number, mtime: number): Buffer {
	const h = Buffer.alloc(512);
	h.write(name, 0, 100, 'utf8');
	h.write('0000640\0', 100);
	h.write('0000000\0', 108);
	h.write('0000000\0', 116);
	h.write(size.toString(8).padStart(11, '0') + '\0', 124);
	h.write(
		Math.floor(mtime / 1000)
			.toString(8)
			.padStart(11, '0') + '\0',
		136
	);
	h.write('        ', 148);
	h.write('0', 156);
	h.write('ustar\0', 257);
	h.write('00', 263);
	let sum = 0;
	for (const b of h) sum += b;
	h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
	return h;
}

/** Writes the photo directory's files to `out` as a tar; returns how many (no file when none). */
export function writePhotoTar(dir: string, out: string): number {
	const list = files(dir);
	if (!list.length) return 0;
	const partial = `${out}.partial-${process.pid}`;
	const fd = fs.openSync(partial, 'w');
	try {
		for (const rel of list) {
			const bytes = fs.readFileSync(path.join(dir, rel));
			fs.writeSync(fd, header(rel, bytes.length, fs.statSync(path.join(dir, rel)).mtimeMs));
			fs.writeSync(fd, bytes);
			const pad = (512 - (bytes.length % 512)) % 512;
			if (pad) fs.writeSync(fd, Buffer.alloc(pad));
		}
		fs.writeSync(fd, Buffer.alloc(1024));
	} finally {
		fs.closeSync(fd);
	}
	fs.renameSync(partial, out);
	return list.length;
}

export class PhotoArchiveError extends GridAtlasError {
	constructor(message: string) {
		super(message, { code: 'bad_photo_archive' });
	}
}

/** The archive's entries, every header checked; PhotoArchiveError when it is no photo archive or damaged. */
export function checkPhotoTar(file: string): { tar: Buffer; entries: { name: string; at: number; size: number }[] } {
	const tar = fs.readFileSync(file);
	const entries: { name: string; at: number; size: number }[] = [];
	let off = 0;
	for (;;) {
		if (off + 512 > tar.length) throw new PhotoArchiveError(`${path.basename(file)}: 归档不完整 / the archive is cut short`);
		const h = tar.subarray(off, off + 512);
		if (h.every((b) => b === 0)) break;
		let sum = 0;
		for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
		if (parseInt(h.subarray(148, 156).toString('latin1').replace(/\0.*$/, '').trim(), 8) !== sum)
			throw new PhotoArchiveError(`${path.basename(file)}: 校验和不符 / checksum mismatch at byte ${off}`);
		const name = h
			.subarray(0, 100)
			.toString('utf8')
			.replace(/\0[\s\S]*$/, '');
		const size = parseInt(h.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim() || '0', 8);
		if (!ENTRY.test(name) || !Number.isFinite(size) || off + 512 + size > tar.length) {
			throw new PhotoArchiveError(`${path.basename(file)}: 不是照片归档的条目 / not a photo archive entry: ${JSON.stringify(name.slice(0, 80))}`);
		}
		entries.push({ name, at: off + 512, size });
		off += 512 + Math.ceil(size / 512) * 512;
	}
	return { tar, entries };
}

/** Replaces the photo directory with the archive's photos; returns how many. Throws PhotoArchiveError, writing nothing. */
export function restorePhotoTar(file: string, dir: string): number {
	const { tar, entries } = checkPhotoTar(file);
	const target = path.resolve(dir);
	const tag = `${process.pid}-${Date.now().toString(36)}`;
	const temp = `${target}.restore-${tag}`;
	const old = `${target}.old-${tag}`;
	try {
		for (const e of entries) {
			fs.mkdirSync(path.dirname(path.join(temp, e.name)), { recursive: true, mode: 0o750 });
			fs.writeFileSync(path.join(temp, e.name), tar.subarray(e.at, e.at + e.size), { mode: 0o640 });
		}
		fs.mkdirSync(temp, { recursive: true });
		if (fs.existsSync(target)) fs.renameSync(target, old);
		try {
			fs.renameSync(temp, target);
		} catch (err) {
			if (fs.existsSync(old)) fs.renameSync(old, target);
			throw err;
		}
		fs.rmSync(old, { recursive: true, force: true });
		return entries.length;
	} finally {
		fs.rmSync(temp, { recursive: true, force: true });
	}
}
