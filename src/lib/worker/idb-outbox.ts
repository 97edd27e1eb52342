// The outbox in IndexedDB: it survives closing the browser, and holds photo blobs as they are.
import type { OutboxItem, OutboxStore } from './outbox';

const DB = 'gridatlas-worker';
const STORE = 'outbox';

function open(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const req = indexedDB.open(DB, 1);
		req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

function run<T>(db: IDBDatabase, mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
	return new Promise((resolve, reject) => {
		const tx = db.transaction(STORE, mode);
		const req = work(tx.objectStore(STORE));
		tx.oncomplete = () => resolve(req ? req.result : undefined);
		tx.onerror = () => reject(tx.error);
		tx.onabort = () => reject(tx.error);
	});
}

export class IdbOutbox implements OutboxStore {
	private db: Promise<IDBDatabase> = open();
	async add(items: OutboxItem[]) {
		const db = await this.db;
		await run(db, 'readwrite', (s) => {
			for (const { seq: _seq, ...item } of items) s.add(item);
		});
	}
	async all() {
		return ((await run(await this.db, 'readonly', (s) => s.getAll())) ?? []) as OutboxItem[];
	}
	async put(item: OutboxItem) {
		await run(await this.db, 'readwrite', (s) => s.put(item));
	}
	async remove(seq: number) {
		await run(await this.db, 'readwrite', (s) => s.delete(seq));
	}
}
