// Finding a subdistrict, community or grid by name (any part, case-insensitive) or by code (prefix).
// Units with a boundary come first: they are the ones the map can show.
//
// The units are searched in memory, read once per version of their tables (db/versions: any writer
// moves it). A name search is a substring match, which no index of the database serves for one or two
// Chinese characters (the usual query; trigrams need three): on a city of 33,000 grids every search
// scanned them all — 97 ms of database time each, the busiest query of the map under load — where a
// scan of the names in memory takes about a millisecond.
import type { Db } from '../db';
import { versionsFor, type Topic } from '../db/versions';
import type { SearchHit, SearchResult } from '../../map/types';

export type { SearchHit, SearchResult };

export const SEARCH_MAX_QUERY = 50;
export const SEARCH_DEFAULT_LIMIT = 10;
export const SEARCH_MAX_LIMIT = 50;

const TOPICS: readonly Topic[] = ['subdistricts', 'communities', 'grids'];
const LEVEL: Record<SearchHit['kind'], number> = { subdistrict: 1, community: 2, grid: 3 };

interface Unit extends SearchHit {
	/** the name lower-cased once (as ILIKE compares) */
	lower: string;
	/** characters, as PostgreSQL's length() counts them */
	chars: number;
}

const indexes = new WeakMap<Db, { versions: number[]; units: Promise<Unit[]> }>();

/**
 * The units as of at least `versions` (TOPICS' versions the request was planned with). An index read
 * at newer versions serves a request planned with older ones (it holds all that request must see), so
 * requests planned on a replica a little behind the primary never make it reload.
 */
function unitsOf(db: Db, versions: number[]): Promise<Unit[]> {
	const held = indexes.get(db);
	if (held && held.versions.every((v, i) => v >= versions[i])) return held.units;
	const units = loadUnits(db);
	indexes.set(db, { versions, units });
	units.catch(() => indexes.get(db)?.units === units && indexes.delete(db));
	return units;
}

async function loadUnits(db: Db): Promise<Unit[]> {
	const rows = await db.query<{ kind: SearchHit['kind']; code: string; name: string; parent_name: string | null; has_boundary: boolean }>(
		`SELECT 'subdistrict' AS kind, s.code, s.name, s.district_name AS parent_name, s.geom IS NOT NULL AS has_boundary FROM subdistricts s
		 UNION ALL
		 SELECT 'community', c.code, c.name, s.name, c.geom IS NOT NULL FROM communities c JOIN subdistricts s ON s.code = c.subdistrict_code
		 UNION ALL
		 SELECT 'grid', g.code, g.name, c.name, true FROM grids g JOIN communities c ON c.code = g.community_code`
	);
	return rows.map((r) => ({
		kind: r.kind,
		code: r.code,
		name: r.name,
		parentName: r.parent_name,
		hasBoundary: Boolean(r.has_boundary),
		lower: r.name.toLowerCase(),
		chars: [...r.name].length
	}));
}

function compare(a: Unit, b: Unit, q: string, lower: string): number {
	return (
		Number(b.code === q) - Number(a.code === q) ||
		Number(b.hasBoundary) - Number(a.hasBoundary) ||
		Number(b.lower.startsWith(lower)) - Number(a.lower.startsWith(lower)) ||
		LEVEL[a.kind] - LEVEL[b.kind] ||
		a.chars - b.chars ||
		(a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
	);
}

/**
 * Ranked: the exact code first, then units with a boundary, names starting with the text, the upper
 * level, the shorter name, the code.
 */
export async function searchUnits(db: Db, query: string, limit = SEARCH_DEFAULT_LIMIT): Promise<SearchResult> {
	const q = query.trim().slice(0, SEARCH_MAX_QUERY);
	const n = Math.max(1, Math.min(SEARCH_MAX_LIMIT, Math.floor(limit) || SEARCH_DEFAULT_LIMIT));
	if (q === '') return { query: q, hits: [], truncated: false };
	const planned = await versionsFor(db);
	const units = await unitsOf(
		db,
		TOPICS.map((t) => planned[t])
	);
	const lower = q.toLowerCase();
	// codes are digits only; anything else cannot be a code prefix
	const byCode = /^[0-9]+$/.test(q);
	// the best n + 1 kept in order while scanning: "网格" can match every grid, and only n are shown
	const best: Unit[] = [];
	let matched = 0;
	for (const u of units) {
		if (!(u.lower.includes(lower) || (byCode && u.code.startsWith(q)))) continue;
		matched++;
		if (best.length > n && compare(u, best[n], q, lower) >= 0) continue;
		let at = best.length;
		while (at > 0 && compare(u, best[at - 1], q, lower) < 0) at--;
		best.splice(at, 0, u);
		if (best.length > n + 1) best.pop();
	}
	return {
		query: q,
		hits: best.slice(0, n).map(({ kind, code, name, parentName, hasBoundary }) => ({ kind, code, name, parentName, hasBoundary })),
		truncated: matched > n
	};
}
