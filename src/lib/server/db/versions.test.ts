import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from './index';
import { covers, POLL_MS, readVersions, TOPICS, VersionTracker, type Versions } from './versions';
import { parseSeen, planReads, replicaStatus, replicaTopics, seenAfterWrite } from './replica';
import { withReadContext } from './read-context';

const versions = (over: Partial<Versions> = {}): Versions => ({ ...(Object.fromEntries(TOPICS.map((t) => [t, 1])) as Versions), ...over });

describe('data versions', () => {
	let db: Db;
	beforeAll(async () => {
		db = await openDb({ dataDir: 'memory://' });
	});
	afterAll(() => db.close());

	it("follow this process's own writes at once, and name the topics that moved", async () => {
		const tracker = new VersionTracker(db);
		const v0 = await tracker.current();
		const moved: string[][] = [];
		tracker.onChange((topics) => moved.push(topics));
		await db.query(`INSERT INTO subdistricts (code, name) VALUES ('320199001', '版本测试')`);
		const v1 = await tracker.current();
		expect(v1.subdistricts).toBeGreaterThan(v0.subdistricts);
		expect(v1.grids).toBe(v0.grids);
		expect(moved).toEqual([['subdistricts']]);
		// a rolled-back write moves nothing
		await db
			.transaction(async (tx) => {
				await tx.query(`DELETE FROM subdistricts WHERE code = '320199001'`);
				throw new Error('rollback');
			})
			.catch(() => {});
		expect(await tracker.current()).toEqual(v1);
	});

	it('without a LISTEN connection, are read again once older than POLL_MS (and not before)', async () => {
		let queries = 0;
		let now = 0;
		const fake = { engine: 'postgres', writes: 0, query: async () => (queries++, [{ topic: 'grids', version: queries }]) } as unknown as Db;
		const tracker = new VersionTracker(fake, () => now);
		expect((await tracker.current()).grids).toBe(1);
		now = POLL_MS - 1;
		expect((await tracker.current()).grids).toBe(1);
		expect(queries).toBe(1);
		now = POLL_MS + 1;
		expect((await tracker.current()).grids).toBe(2);
		tracker.poke(); // a notification: read again before the next use
		await Promise.resolve();
		expect((await tracker.current()).grids).toBe(3);
	});
});

describe('replica routing helpers', () => {
	it('covers: every topic asked at least as new', () => {
		expect(covers(versions({ grids: 5 }), { grids: 5 }, ['grids'])).toBe(true);
		expect(covers(versions({ grids: 4 }), { grids: 5 }, ['grids'])).toBe(false);
		expect(covers(versions({ grids: 4 }), { grids: 5 }, ['buildings'])).toBe(true);
	});

	it("a tile needs its own table; labels their units'; the wall needs cases; writes and plans use the primary", () => {
		expect(replicaTopics('/tiles/[layer]/[z]/[x]/[y].pbf', { layer: 'grid_labels' })).toEqual(['grids']);
		expect(replicaTopics('/tiles/[layer]/[z]/[x]/[y].pbf', { layer: 'facilities' })).toEqual(['facilities']);
		expect(replicaTopics('/api/wall', {})).toContain('cases');
		expect(replicaTopics('/api/plans/[community]', {})).toBeNull();
		expect(replicaTopics('/api/cases', {})).toBeNull();
	});

	it('the seen cookie keeps the newest version of each topic a client wrote, and ignores junk', () => {
		const value = seenAfterWrite(versions(), versions({ grids: 9, buildings: 9 }), { rules: 3, grids: 2 });
		expect(value).toBe('grids.9-buildings.9-rules.3');
		expect(parseSeen(value!)).toEqual({ grids: 9, buildings: 9, rules: 3 });
		expect(seenAfterWrite(versions(), versions())).toBeNull();
		expect(parseSeen('grids.x-nope.3-buildings.7')).toEqual({ buildings: 7 });
		expect(parseSeen('x'.repeat(500))).toBeUndefined();
	});
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('a replica that cannot be reached', () => {
	it('costs no errors: routed reads are answered by the primary, and requests stop asking it', async () => {
		const url = process.env.TEST_DATABASE_URL!;
		const schema = `t_replica_down_${process.pid}`;
		const admin = await openDb({ databaseUrl: url, migrate: false });
		await admin.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
		const sep = url.includes('?') ? '&' : '?';
		const inSchema = `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema},public`)}`;
		const db = await openDb({ databaseUrl: inSchema, readUrl: 'postgres://postgres@127.0.0.1:1/nowhere' });
		try {
			const versions = await readVersions(db);
			const rows = await withReadContext({ db, versions, replica: true }, () => db.query<{ one: number }>('SELECT 1 AS one'));
			expect(rows).toEqual([{ one: 1 }]);
			expect(db.replica!.stats).toEqual({ replica: 0, fallback: 1 });
			expect((await planReads(db, ['grids'])).replica).toBe(false);
			expect(await replicaStatus(db)).toMatchObject({ state: 'down' });
		} finally {
			await db.close();
			await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
			await admin.close();
		}
	});
});
