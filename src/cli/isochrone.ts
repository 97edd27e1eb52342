// `gridatlas isochrone --lon X --lat Y [--minutes 5,10,15] [--speed M_PER_MIN | --profile slow]`:
// walking isochrones around a WGS-84 point as GeoJSON on stdout (the same answer as /api/isochrone).
import { UsageError } from './usage-error';
import { parseArgs } from 'node:util';
import type { Db } from '../lib/server/db';
import { ISOCHRONE_MAX_MINUTES, ISOCHRONE_MAX_SNAP_M, getWalkGraph, parseIsochroneParams, type IsochroneRequest } from '../lib/server/map/walk-network';
import { IsochroneError, isochrones } from '$geo/isochrone';
import { SLOW_WALK_SPEED_M_PER_MIN, WALK_SPEED_M_PER_MIN } from '$geo/network/speed';

export class IsochroneUsageError extends UsageError {}

export const ISOCHRONE_USAGE = `  gridatlas isochrone --lon <X> --lat <Y> [--minutes 5,10,15] [--speed <m/min> | --profile slow]
                              walking isochrones around a WGS-84 point, GeoJSON on stdout
                              (default ${WALK_SPEED_M_PER_MIN} m/min, GB 50180-2018's life circles; slow: ${SLOW_WALK_SPEED_M_PER_MIN} m/min
                              for elderly people and children)`;

/** Checks the arguments before any database is opened. */
export function parseIsochroneArgs(args: string[]): IsochroneRequest {
	let values: Record<string, string | undefined>;
	try {
		({ values } = parseArgs({
			args,
			options: {
				lon: { type: 'string' },
				lat: { type: 'string' },
				minutes: { type: 'string', default: '5,10,15' },
				speed: { type: 'string' },
				profile: { type: 'string' }
			}
		}));
	} catch (err) {
		throw new IsochroneUsageError((err as Error).message);
	}
	if (values.lon === undefined || values.lat === undefined) throw new IsochroneUsageError('需要 --lon 和 --lat / --lon and --lat are required');
	const params = new URLSearchParams();
	for (const [k, v] of Object.entries(values)) if (v !== undefined) params.set(k, v);
	try {
		return parseIsochroneParams(params);
	} catch (err) {
		if (err instanceof IsochroneError) throw new IsochroneUsageError(err.message);
		throw err;
	}
}

export async function runIsochrone(db: Db, req: IsochroneRequest, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
	const graph = await getWalkGraph(db);
	const fc = isochrones(graph, req.lon, req.lat, {
		minutes: req.minutes,
		speedMPerMin: req.speedMPerMin,
		maxMinutes: ISOCHRONE_MAX_MINUTES,
		maxSnapM: ISOCHRONE_MAX_SNAP_M
	});
	out(JSON.stringify(fc) + '\n');
	return 0;
}
