// Case photos are files, and backups carry them (embedded engine here; the server engine uses the
// same photo archive): `<backup>.photos.tar` beside the database archive, restored into the photo
// directory with the database; a damaged photo archive is refused before anything is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/lib/server/db';
import { backup, BackupError, restore } from '../src/lib/server/backup';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-photo-backup-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('photos in backup and restore', () => {
	const home = path.join(root, 'src');
	const dataDir = path.join(home, 'pglite');
	const photos = path.join(home, 'photos');
	const file = path.join(root, 'b.tar.gz');
	const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 3000 }, (_, i) => i % 251), 0xff, 0xd9]);

	it('saves the photo directory beside the backup and restores it with the database', async () => {
		const db = await openDb({ dataDir });
		await db.exec(
			`INSERT INTO case_photos (id, case_id, mime, bytes, thumb_bytes, sha256, file, actor) VALUES ('p-backup-000001', 1, 'image/jpeg', ${jpeg.length}, 0, 'x', '2026/12/p-backup-000001.jpg', 'user:w')`
		);
		await db.close();
		fs.mkdirSync(path.join(photos, '2026/12'), { recursive: true });
		fs.writeFileSync(path.join(photos, '2026/12/p-backup-000001.jpg'), jpeg);
		fs.writeFileSync(path.join(photos, '2026/12/p-backup-000001.thumb.jpg'), jpeg.subarray(0, 100));
		fs.writeFileSync(path.join(photos, 'stray.txt'), 'not a photo');
		const r = await backup({ dataDir, out: file });
		expect(r.photos).toBe(2);
		expect(fs.existsSync(file + '.photos.tar')).toBe(true);

		const dest = path.join(root, 'dest');
		const back = await restore({ dataDir: path.join(dest, 'pglite'), file });
		expect(back.photos).toBe(2);
		expect(fs.readFileSync(path.join(dest, 'photos/2026/12/p-backup-000001.jpg')).equals(jpeg)).toBe(true);
		expect(fs.existsSync(path.join(dest, 'photos/stray.txt'))).toBe(false);
		const db2 = await openDb({ dataDir: path.join(dest, 'pglite') });
		expect(await db2.query('SELECT id FROM case_photos')).toEqual([{ id: 'p-backup-000001' }]);
		await db2.close();
	}, 120_000);

	it('refuses a damaged photo archive before writing anything', async () => {
		const tar = fs.readFileSync(file + '.photos.tar');
		tar[10] ^= 0xff; // a header byte: the checksum no longer matches
		fs.writeFileSync(file + '.photos.tar', tar);
		const dest = path.join(root, 'dest2');
		const err = await restore({ dataDir: path.join(dest, 'pglite'), file }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(BackupError);
		expect((err as BackupError).code).toBe('corrupt');
		expect(fs.existsSync(dest)).toBe(false);
	}, 120_000);
});
