// Finding a subdistrict, community or grid by name (any part, case-insensitive) or by code (prefix).
// Units with a boundary come first: they are the ones the map can show.
import type { Queryable } from '../db';
import type { SearchHit, SearchResult } from '../../map/types';

export type { SearchHit, SearchResult };

export const SEARCH_MAX_QUERY = 50;
export const SEARCH_DEFAULT_LIMIT = 10;
export const SEARCH_MAX_LIMIT = 50;

/** Escapes LIKE wildcards so "50%" or "a_b" match literally. */
function likeLiteral(text: string): string {
	return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function searchUnits(db: Queryable, query: string, limit = SEARCH_DEFAULT_LIMIT): Promise<SearchResult> {
	const q = query.trim().slice(0, SEARCH_MAX_QUERY);
	const n = Math.max(1, Math.min(SEARCH_MAX_LIMIT, Math.floor(limit) || SEARCH_DEFAULT_LIMIT));
	if (q === '') return { query: q, hits: [], truncated: false };
	const contains = `%${likeLiteral(q)}%`;
	const prefix = `${likeLiteral(q)}%`;
	// Codes are digits only; anything else cannot be a code prefix (NULL never matches LIKE).
	const codePrefix = /^[0-9]+$/.test(q) ? `${q}%` : null;
	const rows = await db.query<{ kind: SearchHit['kind']; code: string; name: string; parent_name: string | null; has_boundary: boolean }>(
		`SELECT kind, code, name, parent_name, has_boundary FROM (
			SELECT 'subdistrict' AS kind, s.code, s.name, s.district_name AS parent_name, s.geom IS NOT NULL AS has_boundary, 1 AS level
			FROM subdistricts s WHERE s.name ILIKE $1 ESCAPE '\\' OR s.code LIKE $2
			UNION ALL
			SELECT 'community', c.code, c.name, s.name, c.geom IS NOT NULL, 2
			FROM communities c JOIN subdistricts s ON s.code = c.subdistrict_code
			WHERE c.name ILIKE $1 ESCAPE '\\' OR c.code LIKE $2
			UNION ALL
			SELECT 'grid', g.code, g.name, c.name, true, 3
			FROM grids g JOIN communities c ON c.code = g.community_code
			WHERE g.name ILIKE $1 ESCAPE '\\' OR g.code LIKE $2
		) x
		ORDER BY code = $3 DESC, has_boundary DESC, name ILIKE $4 ESCAPE '\\' DESC, level, length(name), code
		LIMIT $5`,
		[contains, codePrefix, q, prefix, n + 1]
	);
	return {
		query: q,
		hits: rows.slice(0, n).map((r) => ({
			kind: r.kind,
			code: r.code,
			name: r.name,
			parentName: r.parent_name,
			hasBoundary: Boolean(r.has_boundary)
		})),
		truncated: rows.length > n
	};
}
