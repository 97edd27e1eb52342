// `gridatlas mapping …`: the OSM tag → facility category mapping an OSM facilities import uses
// (seeded by migrations/013_facility_tag_mappings.sql; this is how a city adds what its data needs).
import { UsageError } from './usage-error';
import type { CommandContext } from './io';
import { addTagMapping, listCategories, listTagMappings, removeTagMapping, TagMappingError } from '../lib/server/layers/facilities';

export const MAPPING_USAGE = `  gridatlas mapping list                       OSM tag → facility category mapping, and the categories
  gridatlas mapping add <key>=<value> <category> [--priority <n>]   (value * = any value)
  gridatlas mapping remove <key>=<value>`;

export class MappingUsageError extends UsageError {}

function tagOf(text: string | undefined): { key: string; value: string } {
	const eq = text?.indexOf('=') ?? -1;
	if (!text || eq <= 0 || eq === text.length - 1) throw new MappingUsageError(`请给出 key=value，例如 amenity=parking / give key=value, e.g. amenity=parking`);
	return { key: text.slice(0, eq), value: text.slice(eq + 1) };
}

export async function runMapping(args: string[], ctx: CommandContext): Promise<number> {
	const { withDb, io } = ctx;
	const [sub, ...rest] = args;
	if (sub === 'list') {
		return withDb(async (db) => {
			for (const m of await listTagMappings(db)) io.log(`${String(m.priority).padStart(4)}  ${`${m.key}=${m.value}`.padEnd(34)} → ${m.category}`);
			io.log(`\n类别 / categories: ${(await listCategories(db)).map((c) => `${c.code} (${c.name_zh})`).join(', ')}`);
			return 0;
		});
	}
	if (sub === 'add') {
		const pi = rest.indexOf('--priority');
		const priority = pi >= 0 ? Number(rest[pi + 1]) : undefined;
		if (priority !== undefined && !Number.isInteger(priority)) throw new MappingUsageError('--priority 必须是整数 / --priority must be an integer');
		const [tag, category] = pi >= 0 ? rest.filter((_, i) => i !== pi && i !== pi + 1) : rest;
		if (!category) throw new MappingUsageError('请给出设施类别 / give the facility category');
		return withDb(async (db) => {
			try {
				const row = await addTagMapping(db, { ...tagOf(tag), category, priority });
				io.log(`已添加 / added: ${row.key}=${row.value} → ${row.category} (priority ${row.priority})`);
				return 0;
			} catch (err) {
				if (err instanceof TagMappingError) throw new MappingUsageError(err.message);
				throw err;
			}
		});
	}
	if (sub === 'remove') {
		const { key, value } = tagOf(rest[0]);
		return withDb(async (db) => {
			const removed = await removeTagMapping(db, key, value);
			io.log(removed ? `已删除 / removed: ${key}=${value}` : `没有映射 / no mapping ${key}=${value}`);
			return removed ? 0 : 1;
		});
	}
	throw new MappingUsageError(`未知子命令 / unknown subcommand: mapping ${sub ?? ''}`);
}
