// The tile store (src/lib/server/map/tile-store.ts) on both engines: a tile built once is read back by
// another process (here: this process with its memory of tiles dropped, and a new store on the same
// folder), byte for byte, only under the data version it was built at; what it refuses to keep; a
// database taken back in time or given a new epoch by a restore; a folder that fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { loadDemo } from '../src/lib/server/imports/demo';
import { importFile } from '../src/lib/server/imports';
import { forgetCachedTiles, serveTile } from '../src/lib/server/map/tiles';
import { attachTileStore, NEW_TILE_STORE_EPOCH_SQL, TILE_STORE_MAX_ZOOM, type TileStore } from '../src/lib/server/map/tile-store';
import { tilesCovering, type TileCoord } from '$geo/tiles';
import { testEngines } from './helpers/engines';

/** The middle of the demo area (新街口). */
const CENTRE: [number, number] = [118.7796, 32.0435];
const at = (z: number, [lon, lat]: [number, number]): TileCoord => {
	const r = tilesCovering([lon, lat, lon, lat], z);
	return { z, x: r.x0, y: r.y0 };
};
const enc = (s: string) => new TextEncoder().encode(s);

/** Every stored tile file under `root`, relative, sorted. */
function storedFiles(root: string): string[] {
	if (!fs.existsSync(root)) return [];
	return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.mvt')).sort();
}

for (const engine of testEngines()) {
	describe(`tile store on ${engine.name}`, () => {
		let db: Db;
		let root: string;
		let store: TileStore;
		const serve = async (layer: string, t: TileCoord, crs: string | null = null) => {
			const r = await serveTile(db, { layer, z: String(t.z), x: String(t.x), y: String(t.y) }, null, crs);
			await store.flush();
			return { status: r.status, source: r.headers['x-tile-cache'], etag: r.headers.etag, body: r.body as Uint8Array };
		};
		/** As another process (or this one after a restart) would find it: memory empty, a store of its own on the folder. */
		const asAnotherProcess = () => {
			forgetCachedTiles();
			store = attachTileStore(db, root);
		};

		beforeAll(async () => {
			db = await engine.open();
			await loadDemo(db);
		}, 300_000);
		afterAll(() => engine.cleanup());
		afterEach(async () => {
			await store.close();
			fs.rmSync(root, { recursive: true, force: true });
		});
		beforeEach(() => {
			root = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-tile-store-'));
			asAnotherProcess();
		});

		it('a tile built once is read back by another process, byte for byte', async () => {
			const t = at(15, CENTRE);
			const built = await serve('grids', t);
			expect(built.source).toBe('miss');
			expect(built.body.byteLength).toBeGreaterThan(0);
			expect(storedFiles(root)).toHaveLength(1);
			expect(storedFiles(root)[0]).toMatch(new RegExp(`^[0-9a-f]{16}/[0-9a-f]{12}/grids/15/${t.x}/${t.y}\\.v\\d+\\.mvt$`));
			// the city's data: for the app's OS user and group only
			expect(fs.statSync(path.join(root, storedFiles(root)[0])).mode & 0o777).toBe(0o640 & ~process.umask());
			asAnotherProcess();
			const read = await serve('grids', t);
			expect(read.source).toBe('store');
			expect(read.body).toEqual(built.body);
			expect(read.etag).toBe(built.etag);
			expect((await serve('grids', t)).source).toBe('hit');
			// the GCJ-02 tile is another tile
			const shifted = await serve('grids', t, 'gcj02');
			expect(shifted.source).toBe('miss');
			expect(storedFiles(root)).toHaveLength(2);
		});

		it('after a write to its layer the stored tile is not served, and the new one replaces it', async () => {
			const t = at(16, CENTRE);
			const before = await serve('facilities', t);
			const [oldFile] = storedFiles(root);
			const [lon, lat] = CENTRE;
			const feature = { type: 'Feature', properties: { category: 'bank', name: '瓦片存储测试银行' }, geometry: { type: 'Point', coordinates: [lon, lat] } };
			await importFile(db, { fileName: 'store.geojson', bytes: enc(JSON.stringify({ type: 'FeatureCollection', features: [feature] })), layer: 'facilities' });
			asAnotherProcess();
			const after = await serve('facilities', t);
			expect(after.source).toBe('miss');
			expect(after.etag).not.toBe(before.etag);
			const files = storedFiles(root);
			expect(files).toHaveLength(1);
			expect(files[0]).not.toBe(oldFile);
			asAnotherProcess();
			expect(await serve('facilities', t)).toMatchObject({ source: 'store', etag: after.etag });
		});

		it(`keeps no empty tile and none above zoom ${TILE_STORE_MAX_ZOOM}`, async () => {
			const deep = at(TILE_STORE_MAX_ZOOM + 1, CENTRE);
			expect((await serve('buildings', deep)).body.byteLength).toBeGreaterThan(0);
			const empty = await serve('buildings', at(15, [100, 20]));
			expect(empty.body.byteLength).toBe(0);
			expect(storedFiles(root)).toEqual([]);
			asAnotherProcess();
			expect((await serve('buildings', deep)).source).toBe('miss');
		});

		it('a database taken back in time (restored by hand) empties its folder before use', async () => {
			const t = at(14, CENTRE);
			await serve('communities', t);
			const [file] = storedFiles(root);
			const folder = path.join(root, file.split('/')[0]);
			// as if the store had seen versions the database has not reached (it was restored from an older copy)
			fs.writeFileSync(path.join(folder, 'highest-version'), String(1e12));
			asAnotherProcess();
			expect((await serve('communities', t)).source).toBe('miss');
			expect(fs.readFileSync(path.join(folder, 'highest-version'), 'utf8')).not.toBe(String(1e12));
			expect(storedFiles(root)).toEqual([file]);
		});

		it('a new epoch (gridatlas restore makes one) is a new folder', async () => {
			const t = at(14, CENTRE);
			await serve('grid_labels', t);
			await db.exec(NEW_TILE_STORE_EPOCH_SQL);
			asAnotherProcess();
			expect((await serve('grid_labels', t)).source).toBe('miss');
			const folders = new Set(storedFiles(root).map((f) => f.split('/')[0]));
			expect(folders.size).toBe(2);
		});

		it('a folder that cannot be used never fails a tile', async () => {
			const notAFolder = path.join(root, 'file');
			fs.writeFileSync(notAFolder, 'x');
			forgetCachedTiles();
			store = attachTileStore(db, notAFolder);
			const t = at(15, CENTRE);
			const first = await serve('grids', t);
			expect(first).toMatchObject({ status: 200, source: 'miss' });
			forgetCachedTiles();
			expect(await serve('grids', t)).toMatchObject({ status: 200, source: 'miss', etag: first.etag });
		});
	});
}
