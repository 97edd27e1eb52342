// Patrol tracks: points a worker's phone took while a patrol ran, stored per worker and day (Beijing
// time), each by the phone's id (a batch sent twice is stored once). A track is personal data: the
// worker reads its own, leaders and admins those of workers inside their jurisdiction; nobody else.
import type { Queryable } from '../db';
import { unitInside, type Principal } from '../../auth/capabilities';
import { bodyObject, clientId, FieldError } from './errors';
import { trackStats, type TrackPoint } from '../../worker/patrol-stats';
import type { Feature, FeatureCollection, LineString, MultiPolygon } from 'geojson';

/** A day asked for (YYYY-MM-DD), else today in Beijing. */
const dayOrToday = (day: string | null) => (day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));

export const MAX_POINTS = 500;

/** Days a track is kept (GRIDATLAS_PATROL_KEEP_DAYS, default 90): older points are deleted. */
export function patrolKeepDays(): number {
	const n = Number(process.env.GRIDATLAS_PATROL_KEEP_DAYS);
	return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 90;
}

let lastSweep = 0;

/** Deletes tracks past their keeping time (at most once an hour per process, on a write). */
export async function sweepTracks(q: Queryable, now = Date.now(), force = false): Promise<number> {
	if (!force && now - lastSweep < 3600_000) return 0;
	lastSweep = now;
	const rows = await q.query(`DELETE FROM patrol_points WHERE day < ((now() AT TIME ZONE 'Asia/Shanghai')::date - $1::int) RETURNING id`, [patrolKeepDays()]);
	return rows.length;
}

export async function storePoints(q: Queryable, principal: Principal, body: unknown): Promise<{ received: number; stored: number }> {
	const o = bodyObject(body);
	if (!Array.isArray(o.points) || o.points.length > MAX_POINTS)
		throw new FieldError('bad_body', `points 应为不超过 ${MAX_POINTS} 个点的数组`, `points must be an array of at most ${MAX_POINTS} points`);
	const rows = o.points.map((raw, i) => {
		const p = bodyObject(raw);
		const at = typeof p.at === 'string' ? Date.parse(p.at) : NaN;
		const lon = Number(p.lon);
		const lat = Number(p.lat);
		if (
			!Number.isFinite(at) ||
			at > Date.now() + 3600_000 ||
			typeof p.lon !== 'number' ||
			typeof p.lat !== 'number' ||
			Math.abs(lon) > 180 ||
			Math.abs(lat) > 90
		) {
			throw new FieldError('bad_location', `第 ${i + 1} 个点的时间或坐标无效`, `point ${i + 1}: bad time or coordinates`);
		}
		const acc = typeof p.accuracy === 'number' && Number.isFinite(p.accuracy) && p.accuracy >= 0 ? p.accuracy : null;
		return [clientId(p.id, `points[${i}].id`), clientId(p.patrol, `points[${i}].patrol`), new Date(at).toISOString(), lon, lat, acc];
	});
	await sweepTracks(q);
	if (!rows.length) return { received: 0, stored: 0 };
	const stored = await q.query(
		`INSERT INTO patrol_points (client_id, username, day, patrol_id, at, lon, lat, accuracy_m, grid_code)
		 SELECT r->>0, $2, ((r->>2)::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, r->>1, (r->>2)::timestamptz,
			(r->>3)::float8, (r->>4)::float8, (r->>5)::float8,
			(SELECT g.code FROM grids g WHERE ST_Covers(g.geom, ST_SetSRID(ST_MakePoint((r->>3)::float8, (r->>4)::float8), 4326)) ORDER BY g.code LIMIT 1)
		 FROM jsonb_array_elements($1::jsonb) r
		 ON CONFLICT (client_id) DO NOTHING RETURNING id`,
		[JSON.stringify(rows), principal.name]
	);
	return { received: rows.length, stored: stored.length };
}

export interface PatrolDay {
	user: string;
	day: string;
	points: (TrackPoint & { grid: string | null; accuracy: number | null })[];
	metres: number;
	insideS: number;
	/** Share of the own grid(s)' streets passed within 30 m (null: no streets in the grid, or no walk). */
	streetCoverage: number | null;
}

/** Streets closer to the walk than this count as patrolled. */
export const COVERAGE_M = 30;

/** Today's (or `day`'s) track of `user` (default: the reader), if the reader may see it. */
export async function readTrack(q: Queryable, principal: Principal, user: string | null, day: string | null): Promise<PatrolDay> {
	const who = user || principal.name;
	const date = dayOrToday(day);
	const refuse = () => new FieldError('unknown_worker', `看不到“${who}”的巡查轨迹`, `no patrol track of "${who}" for you`);
	if (principal.kind !== 'user') throw refuse();
	const rows = await q.query<{ unit_code: string }>('SELECT j.unit_code FROM users u JOIN user_jurisdictions j ON j.user_id = u.id WHERE u.username = $1', [
		who
	]);
	const grids = rows.map((r) => r.unit_code);
	if (who !== principal.name) {
		// Someone else's track: a leader or an admin, and every unit of that worker inside the reader's jurisdiction.
		const leads = principal.role === 'admin' || principal.role === 'leader';
		const inside = rows.length > 0 && rows.every((r) => (r.unit_code === '*' ? principal.units.includes('*') : unitInside(principal.units, r.unit_code)));
		if (!leads || !inside) throw refuse();
	}
	const points = await q.query<{ at: Date; lon: number; lat: number; patrol_id: string; grid_code: string | null; accuracy_m: number | null }>(
		'SELECT at, lon, lat, patrol_id, grid_code, accuracy_m FROM patrol_points WHERE username = $1 AND day = $2::date ORDER BY at, id',
		[who, date]
	);
	const own = await q.query<{ g: string }>(`SELECT ST_AsGeoJSON(geom, 7) AS g FROM grids WHERE code LIKE ANY($1::text[])`, [
		grids.filter((u) => u !== '*').map((u) => `${u}%`)
	]);
	const track = points.map((p) => ({
		at: new Date(p.at).toISOString(),
		lon: p.lon,
		lat: p.lat,
		patrol: p.patrol_id,
		grid: p.grid_code,
		accuracy: p.accuracy_m
	}));
	const stats = trackStats(
		track,
		own.map((r) => JSON.parse(r.g) as MultiPolygon)
	);
	return {
		user: who,
		day: date,
		points: track,
		metres: stats.metres,
		insideS: stats.insideS,
		streetCoverage: track.length ? await streetCoverage(q, grids, who, date) : null
	};
}

/**
 * The share of the own grid(s)' street length (roads clipped to the grids) lying within 30 m of the
 * day's walk (each patrol's points joined in time order; a lone point counts as a spot).
 */
async function streetCoverage(q: Queryable, units: string[], user: string, day: string): Promise<number | null> {
	const [row] = await q.query<{ total: number | null; near: number | null }>(
		`WITH g AS (SELECT ST_Union(geom) AS geom FROM grids WHERE code LIKE ANY($1::text[])),
		 w AS (SELECT ST_Union(ST_Buffer(l::geography, ${COVERAGE_M})::geometry) AS area FROM (
			SELECT CASE WHEN count(*) > 1 THEN ST_MakeLine(ST_SetSRID(ST_MakePoint(lon, lat), 4326) ORDER BY at)
				ELSE ST_SetSRID(ST_MakePoint(min(lon), min(lat)), 4326) END AS l
			FROM patrol_points WHERE username = $2 AND day = $3::date GROUP BY patrol_id) x),
		 s AS (SELECT ST_Intersection(r.geom, g.geom) AS geom FROM roads r, g WHERE ST_Intersects(r.geom, g.geom))
		 SELECT sum(ST_Length(s.geom::geography)) AS total,
			sum(ST_Length(ST_Intersection(s.geom, w.area)::geography)) AS near
		 FROM s, w`,
		[units.filter((u) => u !== '*').map((u) => `${u}%`), user, day]
	);
	const total = Number(row?.total ?? 0);
	return total > 0 ? Math.min(1, Math.round((Number(row.near ?? 0) / total) * 1000) / 1000) : null;
}

export interface PatrolSummary {
	user: string;
	name: string;
	units: string[];
	points: number;
	metres: number;
	insideS: number;
	streetCoverage: number | null;
}

/** The active worker accounts whose units all lie inside the reader's jurisdiction (at most 500). */
async function workersOf(q: Queryable, principal: Principal): Promise<{ username: string; display_name: string | null; units: string[] }[]> {
	const users = await q.query<{ username: string; display_name: string | null; units: string[] }>(
		`SELECT u.username, u.display_name, array_agg(j.unit_code ORDER BY j.unit_code) AS units
		 FROM users u JOIN user_jurisdictions j ON j.user_id = u.id
		 WHERE u.role = 'worker' AND NOT u.disabled GROUP BY u.id ORDER BY u.username LIMIT 500`
	);
	return users.filter((u) => u.units.every((c) => (c === '*' ? principal.units.includes('*') : unitInside(principal.units, c))));
}

/** Points a line keeps for the map at most: a longer walk is thinned evenly (its ends kept). */
export const LINE_POINTS = 1000;

/**
 * The day's walks of the workers a leader sees (as listPatrols chooses them) as map lines: one per
 * patrol, thinned to LINE_POINTS. Leaders and admins only (personal data); others are refused as readTrack refuses.
 */
export async function patrolLines(q: Queryable, principal: Principal, day: string | null): Promise<{ day: string; lines: FeatureCollection<LineString> }> {
	if (principal.kind !== 'user' || (principal.role !== 'admin' && principal.role !== 'leader'))
		throw new FieldError('unknown_worker', '看不到其他人的巡查轨迹', "no one else's patrol track for you");
	const date = dayOrToday(day);
	const workers = await workersOf(q, principal);
	const names = new Map(workers.map((w) => [w.username, w.display_name || w.username]));
	// Thinned in the database first (every k-th point, the last kept) so a day of 1-second fixes never
	// reaches the request thread whole; then to exactly LINE_POINTS here.
	const rows = await q.query<{ username: string; patrol_id: string; lon: number; lat: number; n: number }>(
		`SELECT username, patrol_id, lon, lat, n FROM (
			SELECT username, patrol_id, lon, lat, row_number() OVER w AS rn, count(*) OVER (PARTITION BY username, patrol_id) AS n
			FROM patrol_points WHERE day = $1::date AND username = ANY($2::text[])
			WINDOW w AS (PARTITION BY username, patrol_id ORDER BY at, id)
		 ) p WHERE n <= $3::int OR rn = n OR (rn - 1) % ceil(n::float8 / $3::int)::int = 0
		 ORDER BY username, patrol_id, rn LIMIT 500000`,
		[date, [...names.keys()], 2 * LINE_POINTS]
	);
	const walks = new Map<string, { user: string; patrol: string; points: number; coords: [number, number][] }>();
	for (const r of rows) {
		const key = `${r.username}\u0000${r.patrol_id}`;
		let w = walks.get(key);
		if (!w) walks.set(key, (w = { user: r.username, patrol: r.patrol_id, points: Number(r.n), coords: [] }));
		w.coords.push([Number(r.lon), Number(r.lat)]);
	}
	const thin = (c: [number, number][]) =>
		c.length <= LINE_POINTS ? c : Array.from({ length: LINE_POINTS }, (_, i) => c[Math.round((i * (c.length - 1)) / (LINE_POINTS - 1))]);
	const features: Feature<LineString>[] = [...walks.values()]
		.filter((w) => w.coords.length >= 2)
		.map((w) => ({
			type: 'Feature',
			properties: { user: w.user, name: names.get(w.user) ?? w.user, patrol: w.patrol, points: w.points },
			geometry: { type: 'LineString', coordinates: thin(w.coords) }
		}));
	return { day: date, lines: { type: 'FeatureCollection', features } };
}

/**
 * Leaders' overview of a day: every active worker account whose units all lie inside the reader's
 * jurisdiction, with that day's track figures (workers without a track too: who did not patrol).
 */
export async function listPatrols(q: Queryable, principal: Principal, day: string | null): Promise<{ day: string; workers: PatrolSummary[] }> {
	const date = dayOrToday(day);
	const mine = await workersOf(q, principal);
	const out: PatrolSummary[] = [];
	for (const u of mine) {
		const t = await readTrack(q, principal, u.username, date);
		out.push({
			user: u.username,
			name: u.display_name || u.username,
			units: u.units,
			points: t.points.length,
			metres: t.metres,
			insideS: t.insideS,
			streetCoverage: t.streetCoverage
		});
	}
	return { day: date, workers: out };
}

/** The days a worker patrolled (newest first, at most 60), with points per day. */
export async function patrolDays(q: Queryable, principal: Principal, user: string): Promise<{ day: string; points: number }[]> {
	await readTrack(q, principal, user, null); // the same right to see it
	const rows = await q.query<{ day: string; points: number }>(
		`SELECT to_char(day, 'YYYY-MM-DD') AS day, count(*)::int AS points FROM patrol_points WHERE username = $1 GROUP BY day ORDER BY day DESC LIMIT 60`,
		[user]
	);
	return rows;
}
