import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from './files';

let dir: string;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomically', () => {
	it('creates the folders, writes the file with the modes asked, and leaves nothing beside it', () => {
		const file = path.join(dir, 'a', 'b', 'photo.jpg');
		writeFileAtomically(file, new Uint8Array([1, 2, 3]), { fileMode: 0o640, dirMode: 0o750 });
		expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
		expect(fs.statSync(file).mode & 0o777).toBe(0o640 & ~process.umask());
		expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o750 & ~process.umask());
		expect(fs.readdirSync(path.dirname(file))).toEqual(['photo.jpg']);
	});

	it('replaces an existing file whole', () => {
		const file = path.join(dir, 'manifest.json');
		writeFileAtomically(file, 'old text that is longer');
		writeFileAtomically(file, 'new');
		expect(fs.readFileSync(file, 'utf8')).toBe('new');
	});

	it('on a failed rename throws, keeps the target as it was and removes its temporary file', () => {
		const target = path.join(dir, 'taken');
		fs.mkdirSync(target);
		fs.writeFileSync(path.join(target, 'inside'), 'x');
		expect(() => writeFileAtomically(target, 'data')).toThrow();
		expect(fs.readdirSync(dir)).toEqual(['taken']);
		expect(fs.readdirSync(target)).toEqual(['inside']);
	});
});
