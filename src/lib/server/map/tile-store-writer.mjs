// The tile store's writer thread (./tile-store.ts): the request thread hands each tile over in one
// message and goes on; the file system work happens here (./tile-store-write.ts). Plain JavaScript
// that registers tsx, as the job pool's worker does, so Node starts it alike from source and in the
// built app.
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../../../tsconfig.node.json', import.meta.url)) });
const { writeStoredTile } = await import('./tile-store-write.ts');

parentPort.on('message', (msg) => {
	if (msg.flush !== undefined) return parentPort.postMessage({ flushed: msg.flush });
	try {
		writeStoredTile(msg);
	} catch (err) {
		// one warning is enough: the store is a cache, every tile can be built again
		parentPort.postMessage({ failed: err instanceof Error ? err.message : String(err) });
	}
});
