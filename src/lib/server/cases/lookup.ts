// Which case a clicked point of the map's points view is. The binary case columns carry no ids (see
// $lib/map/case-points): a point is its Float32 position, its reported second and its category, and
// this finds the stored case they came from — within the reader's jurisdiction only.
import type { Queryable } from '../db';
import { caseScopeSql, type Scope } from '../auth/scope';

export interface CasePointKey {
	lon: number;
	lat: number;
	/** the reported time as the columns hold it: whole seconds */
	reportedAt: Date;
	category: string;
}

/** Float32 keeps a longitude near 120° to ≈ 8e-6° (under a metre); this allows for that and nothing wider. */
const POSITION_TOLERANCE_DEG = 2e-5;

/** The case's external id, or null when no case of the reader's matches (a case outside it reads as none). */
export async function findCaseAt(q: Queryable, key: CasePointKey, scope: Scope | undefined): Promise<string | null> {
	const t = key.reportedAt.getTime();
	const params: unknown[] = [key.lon, key.lat, POSITION_TOLERANCE_DEG, new Date(t - 1000), new Date(t + 1000), key.category, t / 1000];
	const rows = await q.query<{ source_id: string }>(
		`SELECT source_id FROM cases
		 WHERE geom && ST_MakeEnvelope($1::float8 - $3::float8, $2::float8 - $3::float8, $1::float8 + $3::float8, $2::float8 + $3::float8, 4326)
		   AND reported_at > $4::timestamptz AND reported_at < $5::timestamptz AND category = $6::text${caseScopeSql(scope, params)}
		 ORDER BY ST_Distance(geom, ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)), abs(extract(epoch FROM reported_at) - $7::float8), id
		 LIMIT 1`,
		params
	);
	return rows[0]?.source_id ?? null;
}
