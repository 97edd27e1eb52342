// Data readiness (数据完备度, issue 23): for the loaded city, what each analysis needs and what is
// there — boundaries per level, grids, buildings and their households, facilities per category an
// enabled rule uses, the walking network, rules — each gap with its consequence and the import that
// fills it; and the first-run order of imports (the wizard), with progress. Text lives in
// src/lib/i18n/messages.ts: items carry message keys and the numbers they quote.
import type { Queryable } from '../db';
import type { MessageKey } from '../../i18n';
import type { LayerName } from '$geo/types';
import { WALK_SPEED_M_PER_MIN } from '$geo/network/speed';
import { ADD_MAPPING_COMMAND } from '$geo/import/source';
import { implausibleHouseholds } from './household-checks';
import type { Readiness, ReadinessGroup, ReadinessItem, ReadinessState, WizardStep } from '../../readiness/types';

export type { Readiness, ReadinessGroup, ReadinessItem, ReadinessState, WizardStep };

interface Counts {
	subdistricts: number;
	subdistricts_mapped: number;
	communities: number;
	communities_mapped: number;
	communities_official: number;
	grids: number;
	buildings: number;
	buildings_placed: number;
	buildings_official: number;
	buildings_given: number;
	buildings_estimated: number;
	communities_given: number;
	roads: number;
	walk_edges: number;
	landcover: number;
	facilities: number;
	tag_mappings: number;
	rules: number;
	rules_enabled: number;
	walk_rules: number;
}

interface CategoryUse {
	code: string;
	name_zh: string;
	name_en: string;
	facilities: number;
	rules: { id: string; zh: string; en: string }[];
}

async function counts(q: Queryable): Promise<Counts> {
	const n = (sql: string) => `(SELECT count(*) FROM ${sql})::int`;
	const [row] = await q.query<Counts>(
		`SELECT ${n('subdistricts')} AS subdistricts, ${n('subdistricts WHERE geom IS NOT NULL')} AS subdistricts_mapped,
			${n('communities')} AS communities, ${n('communities WHERE geom IS NOT NULL')} AS communities_mapped,
			${n('communities WHERE households_official')} AS communities_official,
			${n('communities WHERE households IS NOT NULL AND NOT households_estimated AND NOT households_official')} AS communities_given,
			${n('grids')} AS grids,
			${n('buildings')} AS buildings, ${n('buildings WHERE community_code IS NOT NULL')} AS buildings_placed,
			${n('buildings WHERE households_official')} AS buildings_official,
			${n('buildings WHERE NOT households_estimated AND NOT households_official')} AS buildings_given,
			${n('buildings WHERE households_estimated')} AS buildings_estimated,
			${n('roads')} AS roads, ${n('walk_edges')} AS walk_edges, ${n('landcover')} AS landcover,
			${n('facilities')} AS facilities, ${n('facility_tag_mappings')} AS tag_mappings,
			${n('coverage_rules')} AS rules, ${n('coverage_rules WHERE enabled')} AS rules_enabled,
			${n("coverage_rules WHERE enabled AND metric = 'walk'")} AS walk_rules`
	);
	return row;
}

/** The facility categories enabled distance rules use, with their facilities and rules. */
async function categoryUses(q: Queryable): Promise<CategoryUse[]> {
	return q.query<CategoryUse>(
		`SELECT c.code, c.name_zh, c.name_en,
			(SELECT count(*) FROM facilities f WHERE f.category_code = c.code)::int AS facilities,
			json_agg(json_build_object('id', r.id, 'zh', r.name_zh, 'en', r.name_en) ORDER BY r.id) AS rules
		 FROM coverage_rules r JOIN facility_categories c ON c.code = r.category_code
		 WHERE r.enabled AND r.kind = 'distance'
		 GROUP BY c.code, c.name_zh, c.name_en, c.sort ORDER BY c.sort, c.code`
	);
}

const importOf = (layer: LayerName) => ({ href: `/import?layer=${layer}`, key: 'readiness.import' as MessageKey });
const stateOf = (have: number, full: number): ReadinessState => (have === 0 ? 'missing' : have < full ? 'partial' : 'ok');

export async function readiness(q: Queryable): Promise<Readiness> {
	const c = await counts(q);
	const uses = await categoryUses(q);
	const doubtful = await implausibleHouseholds(q);
	type Params = Record<string, string | number>;
	// one row: what is there, and — when `gap` holds — its consequence
	const row = (
		id: string,
		group: ReadinessGroup,
		state: ReadinessState,
		have: [MessageKey, Params],
		gap: [MessageKey, Params] | null,
		action?: ReadinessItem['action']
	): ReadinessItem => ({
		id,
		group,
		state,
		have: { key: have[0], params: have[1] },
		consequence: gap ? { key: gap[0], params: gap[1] } : undefined,
		action
	});
	const outside = c.buildings - c.buildings_placed;
	// official: from a register (migrations/015); given: a count in a buildings or communities file
	const estimatedOnly = c.buildings > 0 && c.buildings_official + c.buildings_given === 0 && c.communities_official + c.communities_given === 0;
	const items: ReadinessItem[] = [
		row(
			'subdistricts',
			'boundaries',
			c.subdistricts === 0 ? 'missing' : stateOf(c.subdistricts_mapped, c.subdistricts),
			['readiness.have.units', { n: c.subdistricts, mapped: c.subdistricts_mapped }],
			c.subdistricts_mapped === 0 ? ['readiness.gap.subdistricts', {}] : null,
			importOf('subdistricts')
		),
		// a code list names every community of the city; the analyses need those with boundaries
		row(
			'communities',
			'boundaries',
			c.communities_mapped === 0 ? 'missing' : 'ok',
			['readiness.have.units', { n: c.communities, mapped: c.communities_mapped }],
			c.communities_mapped === 0 ? ['readiness.gap.communities', {}] : null,
			importOf('communities')
		),
		row(
			'grids',
			'boundaries',
			c.grids === 0 ? 'missing' : 'ok',
			['readiness.have.count', { n: c.grids }],
			c.grids === 0 ? ['readiness.gap.grids', {}] : null,
			importOf('grids')
		),
		row(
			'buildings',
			'buildings',
			stateOf(c.buildings_placed, c.buildings),
			['readiness.have.buildings', { n: c.buildings, placed: c.buildings_placed }],
			c.buildings === 0 ? ['readiness.gap.buildings', {}] : outside > 0 ? ['readiness.gap.buildingsOutside', { n: outside }] : null,
			importOf('buildings')
		),
		row(
			'households',
			'buildings',
			c.buildings === 0 ? 'missing' : estimatedOnly ? 'partial' : 'ok',
			[
				'readiness.have.households',
				{
					official: c.buildings_official,
					given: c.buildings_given,
					estimated: c.buildings_estimated,
					communities: c.communities_official,
					communitiesGiven: c.communities_given
				}
			],
			estimatedOnly ? ['readiness.gap.households', {}] : null,
			importOf('registers')
		),
		row(
			'household-plausibility',
			'buildings',
			doubtful.length ? 'partial' : 'ok',
			doubtful.length
				? [
						'readiness.have.doubtful',
						{
							n: doubtful.length,
							examples: doubtful
								.slice(0, 3)
								.map((b) => `${b.name ?? b.sourceId} ${b.households}`)
								.join('、')
						}
					]
				: ['readiness.have.noDoubtful', {}],
			doubtful.length ? ['readiness.gap.doubtful', {}] : null,
			importOf('buildings')
		),
		{
			...row(
				'tag-mapping',
				'facilities',
				c.tag_mappings === 0 ? 'missing' : 'ok',
				['readiness.have.count', { n: c.tag_mappings }],
				c.tag_mappings === 0 ? ['readiness.gap.tagMapping', {}] : null
			),
			command: ADD_MAPPING_COMMAND
		},
		...uses.map((u) =>
			row(
				`facilities:${u.code}`,
				'facilities',
				u.facilities === 0 ? 'missing' : 'ok',
				['readiness.have.facilities', { n: u.facilities, zh: u.name_zh, en: u.name_en, rules: u.rules.length }],
				u.facilities === 0 ? ['readiness.gap.category', { zh: u.rules.map((r) => r.zh).join('”“'), en: u.rules.map((r) => r.en).join('", "') }] : null,
				importOf('facilities')
			)
		),
		row(
			'roads',
			'network',
			c.walk_edges === 0 ? 'missing' : 'ok',
			['readiness.have.roads', { n: c.roads, edges: c.walk_edges }],
			c.walk_edges === 0 ? ['readiness.gap.roads', { rules: c.walk_rules }] : null,
			importOf('roads')
		),
		{
			...row(
				'landcover',
				'network',
				c.landcover === 0 ? 'missing' : 'ok',
				['readiness.have.count', { n: c.landcover }],
				c.landcover === 0 ? ['readiness.gap.landcover', {}] : null,
				importOf('landcover')
			),
			optional: true
		},
		row(
			'rules',
			'rules',
			c.rules_enabled === 0 ? 'missing' : 'ok',
			['readiness.have.rules', { n: c.rules_enabled, total: c.rules, speed: WALK_SPEED_M_PER_MIN }],
			c.rules_enabled === 0 ? ['readiness.gap.rules', {}] : null,
			{ href: '/coverage/rules', key: 'readiness.editRules' }
		)
	];
	const steps: WizardStep[] = [
		{ layer: 'subdistricts', done: c.subdistricts > 0, count: c.subdistricts },
		{ layer: 'communities', done: c.communities_mapped > 0, count: c.communities_mapped },
		{ layer: 'grids', done: c.grids > 0, count: c.grids },
		{ layer: 'buildings', done: c.buildings > 0, count: c.buildings },
		{ layer: 'roads', done: c.walk_edges > 0, count: c.roads },
		{ layer: 'facilities', done: c.facilities > 0, count: c.facilities }
	];
	return { items, steps, ready: items.every((i) => i.optional || i.state !== 'missing') };
}
