// npm run bench -- cases
// 1. Sustained ingest with attribution (validation, workflow check, attribution against
//    grid_history/grids/communities/subdistricts — in memory, the boundaries reloaded when they
//    change, as the API does — case_events, one notify per batch) into server
//    PostGIS (BENCH_DATABASE_URL or DATABASE_URL; own schema, dropped afterwards) and the embedded
//    engine, against the per-row-trigger design (a FOR EACH ROW trigger doing the attribution and a
//    pg_notify per row, one INSERT per case) measured in the same run on the same engine.
// 2. POST → delivered on an SSE client, p99 with 200 connected clients, against the started
//    production server (build/, embedded engine).
// 3. SSE deliveries per second per core: the in-process fan-out (frames serialised once, enqueued
//    on every client's stream, drained) over CPU time.
// bytes_per_case: the binary case columns of /api/cases/columns (geo/density), against
// the same cases as GeoJSON.
// Ends with RESULT {"cases_per_s","vs_trigger","sse_p99_ms","sse_deliveries_per_s","bytes_per_case"}.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, run by tests/benches/server.test.ts): 1,000 cases
// ingested (3,000 on the server) against 200 single-row INSERTs, 10 SSE clients × 10 POSTs, a fan-out
// to 50 clients × 40 events, 5,000 cases as columns.
import { sessionCookie } from '../../tests/browser/helpers/session';
import http from 'node:http';
import { encodeCases, makeDict } from '$geo/density';
import { openDb, type Db } from '../../src/lib/server/db';
import { ingestCases } from '../../src/lib/server/cases';
import { CaseHub, caseEventStream, closeCaseHub, sseFrame, type EventRow } from '../../src/lib/server/cases/events';
import { ensureBuild, startApp } from '../../tests/browser/helpers/app-server';
import { onCaseFrames } from './sse';

const started = Date.now();
const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const SIZE = SMOKE
	? { serverCases: 3000, embeddedCases: 1000, batch: 500, serverSingle: 200, embeddedSingle: 200, clients: 10, posts: 10, fan: 50, events: 40, binary: 5000 }
	: {
			serverCases: 60_000,
			embeddedCases: 20_000,
			batch: 2000,
			serverSingle: 3000,
			embeddedSingle: 2000,
			clients: 200,
			posts: 100,
			fan: 1000,
			events: 400,
			binary: 100_000
		};
const CATS = ['dispute', 'safety_hazard', 'environment', 'livelihood', 'public_health', 'facility_damage', 'other'];
// A lattice city: 4 subdistricts × 10 communities × 16 grids around Nanjing.
const X0 = 118.7,
	Y0 = 32.0,
	GRID = 0.004;

async function buildCity(db: Db) {
	await db.exec(`
		INSERT INTO subdistricts (code, name, geom)
		SELECT '32010200' || s, '街道' || s, ST_Multi(ST_MakeEnvelope(${X0} + s * ${GRID * 40}, ${Y0}, ${X0} + (s + 1) * ${GRID * 40}, ${Y0} + ${GRID * 4}, 4326))
		FROM generate_series(1, 4) s;
		INSERT INTO communities (code, subdistrict_code, name, households, geom)
		SELECT '32010200' || s || lpad(c::text, 3, '0'), '32010200' || s, '社区' || s || '-' || c, 3000,
			ST_Multi(ST_MakeEnvelope(${X0} + s * ${GRID * 40} + c * ${GRID * 4} - ${GRID * 4}, ${Y0}, ${X0} + s * ${GRID * 40} + c * ${GRID * 4}, ${Y0} + ${GRID * 4}, 4326))
		FROM generate_series(1, 4) s, generate_series(1, 10) c;
		INSERT INTO grids (code, community_code, seq, name, geom)
		SELECT m.code || lpad(g::text, 3, '0'), m.code, g, '网格' || g,
			ST_Multi(ST_MakeEnvelope(ST_XMin(m.geom) + ((g - 1) % 4) * ${GRID}, ST_YMin(m.geom) + ((g - 1) / 4) * ${GRID},
				ST_XMin(m.geom) + ((g - 1) % 4 + 1) * ${GRID}, ST_YMin(m.geom) + ((g - 1) / 4 + 1) * ${GRID}, 4326))
		FROM communities m, generate_series(1, 16) g;
	`);
	// Boundaries are loaded once: rebuild their GiST indexes (one INSERT of adjacent boxes leaves a
	// poor tree, 2× slower point lookups) and gather statistics — for both designs alike.
	for (const t of ['subdistricts', 'communities', 'grids', 'grid_history']) await db.exec(`REINDEX TABLE ${t}; ANALYZE ${t}`);
}

let seq = 0;
function caseBatch(n: number, prefix: string) {
	return Array.from({ length: n }, () => {
		const i = seq++;
		return {
			id: `${prefix}-${i}`,
			category: CATS[i % CATS.length],
			lon: X0 + GRID * 40 + (((i * 7919) % 16000) / 16000) * GRID * 168,
			lat: Y0 + (((i * 104729) % 10000) / 10000) * GRID * 4.2,
			reported_at: new Date(Date.now() - (i % 86400) * 1000).toISOString(),
			source: 'grid_worker',
			description: '楼道堆放杂物'
		};
	});
}

const TRIGGER_DESIGN = `
	-- The same table shape as cases: columns, defaults, checks, indexes and the foreign key
	-- (the unit codes are kept by triggers on the unit tables, migrations/010).
	CREATE TABLE trig_cases (LIKE cases INCLUDING ALL);
	ALTER TABLE trig_cases ADD FOREIGN KEY (category) REFERENCES case_categories (code) ON UPDATE CASCADE;
	CREATE OR REPLACE FUNCTION trig_cases_attribute() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		SELECT h.grid_code INTO NEW.grid_code FROM grid_history h
		WHERE ST_Contains(h.geom, NEW.geom) AND h.valid_from <= NEW.reported_at AND (h.valid_to IS NULL OR h.valid_to > NEW.reported_at)
		ORDER BY h.grid_code LIMIT 1;
		SELECT m.code, m.subdistrict_code INTO NEW.community_code, NEW.subdistrict_code FROM communities m
		WHERE ST_Contains(m.geom, NEW.geom) ORDER BY m.code LIMIT 1;
		NEW.outside_jurisdiction := NEW.community_code IS NULL;
		RETURN NEW;
	END $$;
	CREATE OR REPLACE FUNCTION trig_cases_notify() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM pg_notify('trig_cases', NEW.id::text);
		RETURN NULL;
	END $$;
	CREATE TRIGGER trig_cases_attribute BEFORE INSERT ON trig_cases FOR EACH ROW EXECUTE FUNCTION trig_cases_attribute();
	CREATE TRIGGER trig_cases_notify AFTER INSERT ON trig_cases FOR EACH ROW EXECUTE FUNCTION trig_cases_notify();`;

async function measureIngest(db: Db, label: string, total: number, batch: number, triggerCount: number) {
	await buildCity(db);
	// Warm-up, then sustained batches.
	await ingestCases(db, caseBatch(batch, 'W'));
	const t0 = performance.now();
	let stored = 0;
	for (let done = 0; done < total; done += batch) {
		const r = await ingestCases(db, caseBatch(Math.min(batch, total - done), 'B'));
		if (r.rejected) throw new Error(`${label}: rejected ${JSON.stringify(r.errors.slice(0, 3))}`);
		stored += r.inserted;
	}
	const batchedPerS = stored / ((performance.now() - t0) / 1000);
	const [check] = await db.query<{ inside: number; n: number }>(
		`SELECT count(*) FILTER (WHERE grid_code IS NOT NULL)::int AS inside, count(*)::int AS n FROM cases`
	);

	await db.exec(TRIGGER_DESIGN);
	const rows = caseBatch(triggerCount + 200, 'T');
	const insert = (c: (typeof rows)[number]) =>
		db.query(
			`INSERT INTO trig_cases (source_id, category, status, source, description, reported_at, geom)
			 VALUES ($1, $2, 'reported', $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326))`,
			[c.id, c.category, c.source, c.description, c.reported_at, c.lon, c.lat]
		);
	for (const c of rows.slice(0, 200)) await insert(c); // warm-up
	const t1 = performance.now();
	for (const c of rows.slice(200)) await insert(c);
	const triggerPerS = triggerCount / ((performance.now() - t1) / 1000);
	const [tcheck] = await db.query<{ inside: number }>(`SELECT count(*) FILTER (WHERE grid_code IS NOT NULL)::int AS inside FROM trig_cases`);
	console.log(
		`${label}: batched ${Math.round(batchedPerS).toLocaleString('en')} cases/s (${stored} cases in batches of ${batch}; ${check.inside}/${check.n} in a grid) · ` +
			`per-row trigger ${Math.round(triggerPerS).toLocaleString('en')} cases/s (${triggerCount} single-row INSERTs; ${tcheck.inside} in a grid) · ×${(batchedPerS / triggerPerS).toFixed(1)}`
	);
	return { batchedPerS, triggerPerS };
}

// --- 1. ingest ---
const serverUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || '';
let server: { batchedPerS: number; triggerPerS: number } | null = null;
if (serverUrl) {
	const schema = `bench_cases_${process.pid}`;
	const admin = await openDb({ databaseUrl: serverUrl, migrate: false });
	await admin.exec(`CREATE EXTENSION IF NOT EXISTS postgis; DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
	const sep = serverUrl.includes('?') ? '&' : '?';
	const db = await openDb({ databaseUrl: `${serverUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema},public`)}` });
	try {
		server = await measureIngest(db, 'server PostGIS', SIZE.serverCases, SIZE.batch, SIZE.serverSingle);
	} finally {
		await db.close();
		await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
		await admin.close();
	}
} else console.log('(no BENCH_DATABASE_URL / DATABASE_URL: the server engine is not measured; cases_per_s is the embedded engine)');
const embeddedDb = await openDb({ dataDir: 'memory://' });
const embedded = await measureIngest(embeddedDb, 'embedded PGlite', SIZE.embeddedCases, SIZE.batch, SIZE.embeddedSingle);
await embeddedDb.close();
const headline = server ?? embedded;

// --- 2. POST → SSE delivery with 200 clients against the production server ---
ensureBuild();
const app = await startApp({ demo: false, timeoutMs: 600_000 });
const CLIENTS = SIZE.clients;
const cookie = await sessionCookie(app.url, 'leader'); // every route needs a sign-in
const sent = new Map<string, number>();
const latencies: number[] = [];
const agent = new http.Agent({ keepAlive: false, maxSockets: CLIENTS + 10 });
const sockets: http.ClientRequest[] = [];
let connected = 0;
await new Promise<void>((resolve, reject) => {
	for (let i = 0; i < CLIENTS; i++) {
		const req = http.get(`${app.url}/api/cases/stream`, { agent, headers: { cookie } }, (res) => {
			if (++connected === CLIENTS) resolve();
			onCaseFrames(res, (id, now) => {
				const t0 = sent.get(id);
				if (t0) latencies.push(now - t0);
			});
		});
		req.on('error', reject);
		sockets.push(req);
	}
});
const POSTS = SIZE.posts,
	PER_POST = 10;
for (let p = 0; p < POSTS; p++) {
	const batch = caseBatch(PER_POST, 'L');
	const t0 = performance.now();
	for (const c of batch) sent.set(c.id, t0);
	const res = await app.fetch(`${app.url}/api/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
	await res.arrayBuffer();
	await new Promise((r) => setTimeout(r, 40));
}
const expected = POSTS * PER_POST * CLIENTS;
for (let t = 0; t < 200 && latencies.length < expected; t++) await new Promise((r) => setTimeout(r, 50));
for (const s of sockets) s.destroy();
agent.destroy();
await app.stop();
latencies.sort((a, b) => a - b);
const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
const sseP99 = pct(0.99);
console.log(
	`SSE: ${CLIENTS} clients, ${POSTS} POSTs × ${PER_POST} cases: ${latencies.length}/${expected} deliveries; POST → delivered p50 ${pct(0.5).toFixed(1)} ms, p99 ${sseP99.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`
);

// --- 3. in-process fan-out: deliveries per second per core ---
const fakeDb = {
	engine: 'pglite',
	query: async () => [{ id: 0 }],
	exec: async () => {},
	transaction: async () => {
		throw new Error('no');
	},
	close: async () => {}
} as unknown as Db;
const hub = new CaseHub(fakeDb);
await hub.whenReady();
// caseEventStream subscribes through caseHub(db): register this hub for the fake database.
const { caseHub } = await import('../../src/lib/server/cases/events');
const realHub = caseHub(fakeDb);
await realHub.whenReady();
const FAN = SIZE.fan,
	EVENTS = SIZE.events,
	PER = 20;
const readers: Promise<number>[] = [];
for (let i = 0; i < FAN; i++) {
	const reader = caseEventStream(fakeDb, { heartbeatMs: 3_600_000 }).getReader();
	readers.push(
		(async () => {
			let frames = 0;
			for (;;) {
				const { value, done } = await reader.read();
				if (done) return frames;
				if (value[0] === 105 /* "i" of "id:" */ && ++frames === EVENTS) {
					await reader.cancel();
					return frames;
				}
			}
		})()
	);
}
await new Promise((r) => setTimeout(r, 50));
const row = (id: number): EventRow => ({
	event_id: id,
	kind: 'new',
	event_status: 'reported',
	event_level: null,
	at: new Date().toISOString(),
	id: `F-${id}`,
	category: 'environment',
	status: 'reported',
	escalation_level: null,
	source: 'grid_worker',
	description: '楼道堆放杂物',
	reported_at: new Date().toISOString(),
	due_at: null,
	updated_at: new Date().toISOString(),
	lon: 118.78,
	lat: 32.04,
	subdistrict_code: '320102001',
	community_code: '320102001001',
	grid_code: '320102001001001',
	outside_jurisdiction: false
});
const cpu0 = process.cpuUsage();
const w0 = performance.now();
for (let e = 1; e <= EVENTS; e += PER) {
	realHub.publish(Array.from({ length: PER }, (_, k) => ({ id: e + k, frame: sseFrame(row(e + k)), unit: '' })));
	await new Promise((r) => setImmediate(r));
}
const got = (await Promise.all(readers)).reduce((a, b) => a + b, 0);
const cpu = process.cpuUsage(cpu0);
const wallS = (performance.now() - w0) / 1000;
const cpuS = (cpu.user + cpu.system) / 1e6;
const perCore = got / Math.max(cpuS, wallS * 0.01);
console.log(
	`fan-out: ${FAN} clients × ${EVENTS} events = ${got.toLocaleString('en')} deliveries in ${wallS.toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU → ${Math.round(perCore).toLocaleString('en')} deliveries/s per core`
);
await closeCaseHub(fakeDb);
await hub.close();

// The binary layer: 100,000 cases as columns vs as GeoJSON features.
const BINARY_N = SIZE.binary;
const cats = ['dispute', 'safety_hazard', 'environment', 'livelihood', 'public_health', 'facility_damage', 'other'];
const statuses = ['reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated'];
const sample = Array.from({ length: BINARY_N }, (_, i) => ({
	lon: 118.75 + ((i * 7919) % 10000) / 100000,
	lat: 32.0 + ((i * 104729) % 10000) / 100000,
	reportedAt: Date.UTC(2026, 10, 1) + i * 30_000,
	category: cats[i % cats.length],
	status: statuses[i % statuses.length],
	gridIndex: i % 5000
}));
const binary = encodeCases(sample, makeDict(cats, statuses));
const geojsonBytes = Buffer.byteLength(
	JSON.stringify({
		type: 'FeatureCollection',
		features: sample.map((c) => ({
			type: 'Feature',
			geometry: { type: 'Point', coordinates: [c.lon, c.lat] },
			properties: { t: new Date(c.reportedAt).toISOString(), category: c.category, status: c.status, grid: c.gridIndex }
		}))
	})
);
const bytesPerCase = binary.byteLength / BINARY_N;
console.log(
	`binary case columns: ${bytesPerCase.toFixed(2)} bytes/case vs GeoJSON ${(geojsonBytes / BINARY_N).toFixed(1)} bytes/case (${(geojsonBytes / binary.byteLength).toFixed(1)}× smaller)`
);

const result = {
	cases_per_s: Math.round(headline.batchedPerS),
	vs_trigger: Math.round((headline.batchedPerS / headline.triggerPerS) * 10) / 10,
	sse_p99_ms: Math.round(sseP99 * 10) / 10,
	sse_deliveries_per_s: Math.round(perCore),
	bytes_per_case: Math.round(bytesPerCase * 100) / 100
};
console.log(
	`goals: ×${result.vs_trigger} vs trigger (≥ 10) · p99 ${result.sse_p99_ms} ms (≤ 250) · ${result.sse_deliveries_per_s.toLocaleString('en')}/s per core (≥ 100k) · ${result.bytes_per_case} bytes/case (≤ 16) · ${((Date.now() - started) / 1000).toFixed(0)} s`
);
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
