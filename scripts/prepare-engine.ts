// Makes the embedded engine's cache (src/lib/server/db/engine-cache.ts: the trimmed PostGIS bundle and
// a new database with PostGIS created) ahead of the first start. `npm start` runs it beside the first
// build, so the first start opens a new data directory from it instead of spending 20 s in initdb and
// CREATE EXTENSION. Prints its duration; does nothing when the cache is already there.
import { prepareEngineCache } from '../src/lib/server/db/engine-cache';

const t0 = performance.now();
await prepareEngineCache((msg) => console.log(`GridAtlas: ${msg}`));
console.log(`GridAtlas: engine cache ready (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
