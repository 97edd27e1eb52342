// A helper of the startup bench (scripts/bench/startup.ts), run in a process of its own: how long PGlite
// takes to open an existing data directory — alone, with pglite-postgis's own bundle, and with the
// engine cache's (src/lib/server/db/engine-cache.ts) — and a first spatial statement after it.
// Prints one JSON line: { variant, open_ms, first_spatial_ms }.
// usage: node --import tsx scripts/bench/engine-floor.ts <none|stock|cached> <data dir>
import { PGlite, type Extension } from '@electric-sql/pglite';
import { postgisExtension } from '../../src/lib/server/db/engine-cache';

const [variant, dataDir] = process.argv.slice(2);
let extensions: Record<string, Extension> = {};
if (variant === 'stock') extensions = { postgis: (await import('@electric-sql/pglite-postgis')).postgis };
else if (variant === 'cached') extensions = { postgis: await postgisExtension() };
else if (variant !== 'none') throw new Error(`unknown variant ${variant}`);
const t0 = performance.now();
const pg = await PGlite.create(dataDir, { extensions });
const open = performance.now() - t0;
let spatial = NaN;
if (variant !== 'none') {
	const t1 = performance.now();
	await pg.query('SELECT ST_Contains(ST_MakeEnvelope(0, 0, 2, 2, 4326), ST_SetSRID(ST_MakePoint(1, 1), 4326))');
	spatial = performance.now() - t1;
}
await pg.close();
console.log(JSON.stringify({ variant, open_ms: Math.round(open), first_spatial_ms: Number.isNaN(spatial) ? null : Math.round(spatial) }));
