// A deterministic case simulator (for demos and load tests): hotspots around real buildings, a daily
// rhythm (quiet nights, morning and afternoon peaks, Beijing time), a category mix that shifts with
// the hour, and workflow progress over time (registered → dispatched → handled → closed, a few
// escalations). Pure: the CLI (src/cli/simulate-cases.ts) posts what this produces.
import { CASE_STATUSES, type CaseStatus, type EscalationLevel } from './index';
import { mulberry32 } from '../synth/prng';

/** The project's one seedable PRNG (mulberry32). */
export const rng = mulberry32;

/** Relative case volume by Beijing hour (mean 1 over the day). */
const HOURLY = [0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.5, 1.0, 1.5, 1.8, 1.9, 1.6, 1.2, 1.3, 1.6, 1.7, 1.6, 1.4, 1.3, 1.4, 1.3, 1.0, 0.6, 0.3];
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / 24;

export function beijingHour(t: Date): number {
	return (t.getUTCHours() + 8) % 24;
}

/** The volume factor at time t (1 = the daily mean), interpolated between hours. */
export function rhythm(t: Date): number {
	const h = beijingHour(t) + t.getUTCMinutes() / 60;
	const a = HOURLY[Math.floor(h) % 24];
	const b = HOURLY[(Math.floor(h) + 1) % 24];
	return (a + (b - a) * (h - Math.floor(h))) / HOURLY_MEAN;
}

export const CATEGORY_MIX: Record<string, number> = {
	environment: 0.3,
	livelihood: 0.2,
	facility_damage: 0.15,
	dispute: 0.13,
	safety_hazard: 0.1,
	public_health: 0.05,
	other: 0.07
};

/** The category mix at an hour: disputes rise in the evening, environment in the morning. */
export function categoryWeights(hour: number): [string, number][] {
	return Object.entries(CATEGORY_MIX).map(([c, w]) => {
		if (c === 'dispute' && (hour >= 18 || hour < 1)) return [c, w * 2];
		if (c === 'environment' && hour >= 6 && hour < 11) return [c, w * 1.5];
		return [c, w];
	});
}

function weighted<T>(items: [T, number][], r: number): T {
	const total = items.reduce((s, [, w]) => s + w, 0);
	let x = r * total;
	for (const [item, w] of items) {
		x -= w;
		if (x <= 0) return item;
	}
	return items[items.length - 1][0];
}

const SOURCES: [string, number][] = [
	['grid_worker', 0.45],
	['hotline_12345', 0.25],
	['video_patrol', 0.15],
	['resident_app', 0.15]
];

const DESCRIPTIONS: Record<string, string[]> = {
	environment: ['楼道堆放杂物', '垃圾未及时清运', '绿化带内有建筑垃圾', '路面油污'],
	livelihood: ['小区路灯不亮', '居民反映停水', '咨询养老服务补贴', '噪音扰民'],
	facility_damage: ['井盖破损', '健身器材损坏', '路灯杆倾斜', '人行道地砖松动'],
	dispute: ['邻里因停车发生纠纷', '楼上漏水引发矛盾', '物业费争议'],
	safety_hazard: ['电动车楼道充电', '消防通道被占用', '外墙瓷砖有脱落风险'],
	public_health: ['小区出现鼠患', '积水孳生蚊虫'],
	other: ['其他事项']
};

export interface Anchor {
	lon: number;
	lat: number;
	/** Households (or 1): heavier anchors attract more cases. */
	weight: number;
}

export interface SimCase {
	id: string;
	category: string;
	source: string;
	description: string;
	lon: number;
	lat: number;
	reported_at: string;
}

export interface SimUpdate {
	id: string;
	status: CaseStatus;
	escalation_level?: EscalationLevel;
}

/** Mean seconds in each state before the next step (compressed for demos by `speedup`). */
const STEP_MEAN_S: Partial<Record<CaseStatus, number>> = { reported: 300, registered: 600, dispatched: 1800, handled: 1200, escalated: 1800 };
const NEXT: Partial<Record<CaseStatus, CaseStatus>> = {
	reported: 'registered',
	registered: 'dispatched',
	dispatched: 'handled',
	handled: 'closed',
	escalated: 'dispatched'
};

export interface SimulatorOptions {
	anchors: Anchor[];
	seed?: number;
	runId?: string;
	/** Hotspots: the busiest anchors, where most cases cluster. */
	hotspots?: number;
	/** Progress time runs this many times faster than the clock (demo: 60 → minutes become seconds). */
	speedup?: number;
}

export class CaseSimulator {
	private random: () => number;
	private hot: Anchor[];
	private open = new Map<string, { status: CaseStatus; level?: EscalationLevel; nextAt: number }>();
	private n = 0;
	private runId: string;
	private speedup: number;

	constructor(private options: SimulatorOptions) {
		if (!options.anchors.length) throw new Error('no anchors (buildings) to place cases around');
		this.random = rng(options.seed ?? 1);
		this.runId = options.runId ?? 'SIM';
		this.speedup = options.speedup ?? 60;
		const k = Math.min(options.hotspots ?? 8, options.anchors.length);
		// Hotspots: k anchors drawn by weight.
		const pool: [Anchor, number][] = options.anchors.map((a) => [a, Math.max(a.weight, 1)]);
		this.hot = Array.from({ length: k }, () => weighted(pool, this.random()));
	}

	private gauss(): number {
		const u = Math.max(this.random(), 1e-12);
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
	}

	/** One new case at time t. */
	newCase(t: Date): SimCase {
		const hotspot = this.random() < 0.6;
		const anchor = hotspot
			? this.hot[Math.floor(this.random() * this.hot.length)]
			: this.options.anchors[Math.floor(this.random() * this.options.anchors.length)];
		const spreadM = hotspot ? 120 : 25;
		const dLat = (this.gauss() * spreadM) / 111_320;
		const dLon = (this.gauss() * spreadM) / (111_320 * Math.cos((anchor.lat * Math.PI) / 180));
		const category = weighted(categoryWeights(beijingHour(t)), this.random());
		const texts = DESCRIPTIONS[category] ?? DESCRIPTIONS.other;
		const id = `${this.runId}-${++this.n}`;
		this.open.set(id, { status: 'reported', nextAt: t.getTime() + this.stepMs('reported') });
		return {
			id,
			category,
			source: weighted(SOURCES, this.random()),
			description: texts[Math.floor(this.random() * texts.length)],
			lon: Math.round((anchor.lon + dLon) * 1e7) / 1e7,
			lat: Math.round((anchor.lat + dLat) * 1e7) / 1e7,
			reported_at: t.toISOString()
		};
	}

	private stepMs(status: CaseStatus): number {
		const mean = (STEP_MEAN_S[status] ?? 600) * 1000;
		return (-Math.log(Math.max(this.random(), 1e-9)) * mean) / this.speedup;
	}

	/** Status steps due by time t (each case moves at most one step per call). */
	progress(t: Date): SimUpdate[] {
		const now = t.getTime();
		const updates: SimUpdate[] = [];
		for (const [id, s] of this.open) {
			if (s.nextAt > now) continue;
			let next = NEXT[s.status]!;
			let level: EscalationLevel | undefined;
			if (s.status === 'dispatched' && this.random() < 0.06) {
				next = 'escalated';
				level = this.random() < 0.7 ? 'community' : 'subdistrict';
			}
			updates.push(level ? { id, status: next, escalation_level: level } : { id, status: next });
			if (next === 'closed') this.open.delete(id);
			else this.open.set(id, { status: next, level, nextAt: now + this.stepMs(next) });
		}
		return updates;
	}

	get openCount(): number {
		return this.open.size;
	}
}

/** How many new cases a tick of `seconds` brings at `rate` per second (rhythm applied, Poisson-rounded). */
export function casesForTick(rate: number, seconds: number, t: Date, random: () => number, withRhythm = true): number {
	const mean = rate * seconds * (withRhythm ? rhythm(t) : 1);
	const whole = Math.floor(mean);
	return whole + (random() < mean - whole ? 1 : 0);
}

export { CASE_STATUSES };
