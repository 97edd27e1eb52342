// The map's walking tool: while on, a click walks from that point (5/10/15-minute isochrones) or,
// on a facility, shows its 15-minute catchment and the households it serves. One instance per page.
import type { FeatureCollection } from 'geojson';
import { WALK_SPEED_M_PER_MIN } from '$geo/network/speed';

export type IsochroneResult = FeatureCollection & { origins?: { lon: number; lat: number }[] };
export interface ServedFacility {
	id: string;
	name: string;
}

export class IsochroneTool {
	active = $state(false);
	speed = $state(WALK_SPEED_M_PER_MIN);
	result = $state.raw<IsochroneResult | null>(null);
	served = $state<{ households: number; buildings: number; name: string } | null>(null);
	error = $state<string | null>(null);
	loading = $state(false);
	private last: { at: [number, number]; facility?: ServedFacility } | null = null;

	toggle(on: boolean) {
		this.active = on;
		if (!on) {
			this.result = null;
			this.served = null;
			this.last = null;
		}
	}

	setSpeed(speed: number) {
		this.speed = speed;
		if (this.last) void this.walk(this.last.at, this.last.facility);
	}

	async walk(at: [number, number], facility?: ServedFacility) {
		const asked = { at, facility };
		this.last = asked;
		this.loading = true;
		this.error = null;
		this.served = null;
		try {
			const url = facility
				? `/api/catchment?facility=${encodeURIComponent(facility.id)}&minutes=15&speed=${this.speed}`
				: `/api/isochrone?lon=${at[0]}&lat=${at[1]}&minutes=5,10,15&speed=${this.speed}`;
			const res = await fetch(url);
			const body = await res.json();
			if (this.last !== asked) return;
			if (!res.ok) {
				this.error = body?.message ?? String(res.status);
				this.result = null;
			} else if (facility) {
				this.result = { type: 'FeatureCollection', features: [body.area], origins: [{ lon: at[0], lat: at[1] }] };
				this.served = { households: body.households, buildings: body.buildings, name: facility.name };
			} else this.result = body;
		} catch (err) {
			if (this.last === asked) this.error = String(err);
		} finally {
			if (this.last === asked) this.loading = false;
		}
	}
}
