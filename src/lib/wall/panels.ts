// What the wall's panels show, worked out from the page's data: plain functions of the base data,
// the live KPIs and the case overlay, so the page only lays them out (and they can be tested alone).
import { localName, translator, type Lang, type MessageKey } from '$lib/i18n';
import type { WallBase, WallLive } from './types';
import type { Kpi } from '$lib/components/wall/KpiStrip.svelte';
import type { HotGrid } from '$lib/components/wall/HotGrids.svelte';
import { formatNumber, percentCompact as percent, wallClock } from '$lib/i18n/format';

type Tr = ReturnType<typeof translator>;

/** A community's short name ("…社区居委会" → "…"), as the narrow wall lists show it. */
const shortCommunity = (name: string) => name.replace(/社区(居委会)?$/, '');

export class WallText {
	readonly tr: Tr;
	private readonly communityName = new Map<string, string>();
	private readonly categoryIndex: Map<string, number>;

	constructor(
		readonly lang: Lang,
		private readonly base: WallBase
	) {
		this.tr = translator(lang);
		for (const c of base.compliance) this.communityName.set(c.code, c.name);
		for (const c of base.communities) this.communityName.set(c.code, c.name);
		this.categoryIndex = new Map(base.categories.map((c, i) => [c.code, i]));
	}

	fmt = (n: number) => formatNumber(n, this.lang);

	categoryName(code: string): string {
		const row = this.base.categories.find((x) => x.code === code);
		return row ? localName(this.lang, row) : code;
	}

	kpis(d: WallLive): Kpi[] {
		const { tr, fmt, base } = this;
		const today = d.byDay.at(-1);
		const life = base.lifeCircle;
		return [
			{ id: 'today', label: tr('wall.kpi.today'), value: fmt(d.today), note: tr('wall.kpi.todayNote', { n: today?.closed ?? 0 }) },
			{ id: 'in-progress', label: tr('wall.kpi.inProgress'), value: fmt(d.inProgress) },
			{ id: 'overdue', label: tr('wall.kpi.overdue'), value: fmt(d.overdue), tone: d.overdue > 0 ? 'bad' : undefined },
			{
				id: 'closure-rate',
				label: tr('wall.kpi.closureRate'),
				value: percent(d.closureRate) ?? tr('wall.none'),
				note: d.due > 0 ? tr('wall.kpi.closedOfDue', { n: fmt(d.closedOfDue), due: fmt(d.due) }) : tr('wall.kpi.noneDue')
			},
			{
				id: 'on-time-rate',
				label: tr('wall.kpi.onTimeRate'),
				value: percent(d.onTimeRate) ?? tr('wall.none'),
				note: d.due > 0 ? tr('wall.kpi.onTimeOfDue', { n: fmt(d.onTime), due: fmt(d.due) }) : tr('wall.kpi.noneDue'),
				tone: d.onTimeRate !== null && d.onTimeRate < 0.9 ? 'warn' : undefined
			},
			{
				id: 'coverage',
				label: tr('wall.kpi.coverage'),
				value: fmt(base.meetingAll.count),
				note: tr('wall.kpi.ofCommunities', { n: base.meetingAll.total }) + this.missingNote(),
				tone: 'good'
			},
			{
				id: 'life-circle',
				label: tr('wall.kpi.lifeCircle'),
				value: life ? fmt(life.households) : tr('wall.none'),
				note: life ? tr('wall.kpi.ofHouseholds', { pct: percent(life.share) ?? tr('wall.none') }) + this.missingNote() : tr('wall.kpi.noNetwork')
			}
		];
	}

	/** " · 数据中无此类设施：银行、电信" when enabled rules name categories the data has no facility of. */
	missingNote(): string {
		const missing = this.base.missingFacilities ?? [];
		if (missing.length === 0) return '';
		return ` · ${this.tr('coverage.noFacilitiesOf', { names: missing.map((c) => localName(this.lang, c)).join(this.lang === 'zh' ? '、' : ', ') })}`;
	}

	baseStats(): { label: string; value: string; sub?: string }[] {
		const { tr, fmt, base } = this;
		const f = base.facts;
		return [
			{ label: tr('wall.base.communities'), value: fmt(base.communities.length) },
			{ label: tr('wall.base.grids'), value: fmt(f.grids.total), sub: tr('wall.base.gridsSplit', { basic: f.grids.basic, dedicated: f.grids.dedicated }) },
			{ label: tr('wall.base.buildings'), value: fmt(f.buildings) },
			{
				label: tr('wall.base.households'),
				value: f.households === null ? tr('wall.none') : fmt(f.households),
				sub: f.householdsEstimated ? tr('wall.base.estimated') : undefined
			}
		];
	}

	/** The donut: last 7 days by category (colours follow the category list's order). */
	slices(d: WallLive) {
		return d.byCategory.map((c) => ({ code: c.code, name: this.categoryName(c.code), value: c.week, index: this.categoryIndex.get(c.code) ?? 9 }));
	}

	dayPoints(d: WallLive) {
		return d.byDay.map((p) => ({ label: p.period.slice(5), reported: p.reported, closed: p.closed }));
	}

	monthPoints(d: WallLive) {
		return d.byMonth.map((p) => ({
			label: this.lang === 'zh' ? `${Number(p.period.slice(5, 7))}月` : p.period.slice(2),
			reported: p.reported,
			closed: p.closed
		}));
	}

	latestRows(d: WallLive) {
		return d.latest.map((c) => ({
			id: c.id,
			time: wallClock(new Date(c.reported_at), this.lang).hm,
			category: this.categoryName(c.category),
			place: c.community_code ? shortCommunity(this.communityName.get(c.community_code) ?? c.community_code) : this.tr('wall.latest.outside'),
			status: this.tr(`cases.status.${c.status}` as MessageKey),
			closed: c.status === 'closed',
			description: c.description ?? ''
		}));
	}
}

/**
 * Hot grids: the overlay's k-suppressed counts (what the map shows), of this unit only (code
 * prefix), busiest first; names from the grid shapes the overlay loaded.
 */
export function hotGrids(
	grids: { code: string; count: number | null; suppressed?: boolean }[],
	spikes: { grid: string }[],
	shapes: { properties: Record<string, unknown> | null }[],
	unit: string | null,
	limit = 12
): HotGrid[] {
	const names = new Map<string, { name: string; community: string }>();
	for (const f of shapes) {
		const p = f.properties ?? {};
		names.set(String(p.code), { name: String(p.name ?? p.code), community: shortCommunity(String(p.community_name ?? '')) });
	}
	const spiking = new Set(spikes.map((s) => s.grid));
	return grids
		.filter((g) => !g.suppressed && (g.count ?? 0) > 0 && (!unit || g.code.startsWith(unit)))
		.sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || a.code.localeCompare(b.code))
		.slice(0, limit)
		.map((g) => ({
			code: g.code,
			name: names.get(g.code)?.name ?? g.code.slice(-6),
			community: names.get(g.code)?.community ?? '',
			count: g.count ?? 0,
			spiking: spiking.has(g.code)
		}));
}
