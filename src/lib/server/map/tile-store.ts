// Built vector tiles kept in a folder (GRIDATLAS_TILE_STORE, default <GRIDATLAS_DATA_DIR>/tiles), so a
// tile is built once per data version for every app process on the machine and across restarts,
// not once per process and again after each restart. Files are named by the data version they were
// built at: a tile is only ever read back under the version it was built for, so it can never be stale.
//
// <root>/<database>/<format>/<layer>/<z>/<x>/<y>[@crs].v<version>.mvt
//   <format>: what made the tile (map/tiles: its SQL and code), so an upgrade never reads old tiles.
//   <database>: the database's tile_store_epoch (migrations/024) and name. A restore takes versions
//   back (new data would reuse old numbers): gridatlas restore makes a new epoch, and a folder whose
//   recorded highest version is above the database's is emptied before use (a restore made by hand).
//
// Bounded: only tiles with features and at most GRIDATLAS_TILE_STORE_MAX_ZOOM (16) are kept, so the
// folder holds at most the tiles over the city's data to that zoom, each once (older versions of a
// tile are removed when a newer one is written). A failing folder never fails a tile: it is built.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db';
import { Worker } from 'node:worker_threads';
import { projectPath } from '../runtime/paths';

export interface StoredTile {
	/** What made it (map/tiles: its SQL and code): an upgrade that changes tiles stores them apart. */
	format: string;
	layer: string;
	z: number;
	x: number;
	y: number;
	/** '' for WGS-84, else the tile's coordinate system (gcj02). */
	crs: string;
	version: number;
}

/** Gives the database a new life for the tile store (a restore runs it): tiles stored before are not read again. */
export const NEW_TILE_STORE_EPOCH_SQL = `INSERT INTO app_settings (key, value) VALUES ('tile_store_epoch', to_jsonb(md5(random()::text || clock_timestamp()::text)))
	ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`;

const envMaxZoom = Number(process.env.GRIDATLAS_TILE_STORE_MAX_ZOOM);
export const TILE_STORE_MAX_ZOOM = Number.isInteger(envMaxZoom) && envMaxZoom >= 0 ? envMaxZoom : 16;
const HIGH_WATER = 'highest-version';

export class TileStore {
	private folder?: Promise<string | null>;
	private highest = 0;
	private writer?: Worker;
	private writerFailed = false;
	private flushes = 0;
	private warned = false;

	constructor(
		readonly root: string,
		private db: Db,
		private maxZoom = TILE_STORE_MAX_ZOOM
	) {}

	/** The stored tile, or undefined (not stored, or the folder cannot be read). */
	async get(t: StoredTile): Promise<Uint8Array | undefined> {
		const dir = await this.databaseFolder();
		if (!dir || t.z > this.maxZoom) return undefined;
		try {
			return new Uint8Array(await fs.promises.readFile(this.file(dir, t)));
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(err);
			return undefined;
		}
	}

	/** Keeps a tile just built: handed to the writer thread, the answer does not wait for the disk. */
	put(t: StoredTile, body: Uint8Array): void {
		if (t.z > this.maxZoom || body.byteLength === 0) return;
		void this.databaseFolder().then((dir) => {
			const writer = dir ? this.writerThread() : null;
			if (!dir || !writer) return;
			const higher = t.version > this.highest;
			if (higher) this.highest = t.version;
			writer.postMessage({
				file: this.file(dir, t),
				version: t.version,
				body,
				highWater: higher ? path.join(dir, HIGH_WATER) : undefined,
				highest: this.highest
			});
		});
	}

	/** Waits until the tiles handed over so far are written (tests, shutdown). */
	async flush(): Promise<void> {
		await this.databaseFolder();
		const writer = this.writer;
		if (!writer) return;
		const id = ++this.flushes;
		await new Promise<void>((resolve) => {
			const onMessage = (msg: { flushed?: number }) => {
				if (msg.flushed !== id) return;
				writer.off('message', onMessage);
				resolve();
			};
			writer.on('message', onMessage);
			writer.postMessage({ flush: id });
		});
	}

	/** Stops the writer thread (tiles handed over and not yet written are lost: a cache). */
	async close(): Promise<void> {
		this.writerFailed = true;
		await this.writer?.terminate();
		this.writer = undefined;
	}

	private writerThread(): Worker | null {
		if (this.writer || this.writerFailed) return this.writer ?? null;
		try {
			const writer = new Worker(projectPath('src/lib/server/map/tile-store-writer.mjs'));
			writer.unref();
			writer.on('message', (msg: { failed?: string }) => msg.failed && this.warn(new Error(msg.failed)));
			writer.on('error', (err) => {
				this.warn(err);
				this.writerFailed = true;
				this.writer = undefined;
			});
			this.writer = writer;
			return writer;
		} catch (err) {
			this.warn(err);
			this.writerFailed = true;
			return null;
		}
	}

	private file(dir: string, t: StoredTile) {
		return path.join(dir, t.format, t.layer, String(t.z), String(t.x), `${t.y}${t.crs ? `@${t.crs}` : ''}.v${t.version}.mvt`);
	}

	private databaseFolder(): Promise<string | null> {
		this.folder ??= this.openFolder().catch((err) => {
			this.warn(err);
			return null;
		});
		return this.folder;
	}

	private async openFolder(): Promise<string> {
		const [row] = await this.db.query<{ epoch: string | null; name: string; highest: string }>(
			`SELECT (SELECT value #>> '{}' FROM app_settings WHERE key = 'tile_store_epoch') AS epoch, current_database() AS name,
				(SELECT coalesce(max(version), 0)::text FROM data_versions) AS highest`
		);
		if (!row.epoch) throw new Error('the database has no tile_store_epoch (migrations/024)');
		const dir = path.join(this.root, createHash('sha256').update(`${row.epoch}\n${row.name}`).digest('hex').slice(0, 16));
		const recorded = Number(await fs.promises.readFile(path.join(dir, HIGH_WATER), 'utf8').catch(() => '0'));
		// the database went back in time (restored by hand): a stored version may now name other data
		if (recorded > Number(row.highest)) await fs.promises.rm(dir, { recursive: true, force: true });
		else this.highest = recorded;
		await fs.promises.mkdir(dir, { recursive: true, mode: 0o750 });
		return dir;
	}

	private warn(err: unknown) {
		if (this.warned) return;
		this.warned = true;
		console.warn(
			`GridAtlas: 瓦片存储不可用，瓦片照常生成 / the tile store ${this.root} fails; tiles are built as usual:`,
			err instanceof Error ? err.message : err
		);
	}
}

const stores = new WeakMap<Db, TileStore>();

/** Gives `db`'s tiles a store in `root` (the app does this at start; tests and the CLI keep none). */
export function attachTileStore(db: Db, root: string): TileStore {
	void stores.get(db)?.close();
	const store = new TileStore(path.resolve(root), db);
	stores.set(db, store);
	return store;
}

export function tileStoreFor(db: Db): TileStore | undefined {
	return stores.get(db);
}

/** The folder the app keeps tiles in, or null when GRIDATLAS_TILE_STORE is 'off'. */
export function configuredTileStoreRoot(): string | null {
	const env = process.env.GRIDATLAS_TILE_STORE;
	if (env === 'off') return null;
	return path.resolve(env || path.join(process.env.GRIDATLAS_DATA_DIR ?? './data', 'tiles'));
}
