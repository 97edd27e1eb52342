// Administrators' edits of the taxonomy's other tables (/cases/taxonomy, 'cases:configure'): the
// responsible departments (case_departments: add, rename, delete while no subclass or case uses one)
// and which subclass each case category maps onto (case_categories.subclass_code). Each check throws
// a TaxonomyError naming what was typed and what to enter; each write runs in the caller's
// transaction, and the tables' audit triggers (migrations/020_case_urgent_scores.sql) record it.
import type { Queryable } from '../db';
import type { Taxonomy } from '../../cases/types';
import { TaxonomyError } from './taxonomy';

export interface DepartmentInput {
	code: string;
	name_zh: string;
	name_en: string;
}

const CODE = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_NAME = 60;

/** Checks a department to add (`add`: a new, well-formed code) or rename (an existing code); names trimmed, 1–60 characters. */
export function checkDepartment(tax: Pick<Taxonomy, 'departments'>, input: DepartmentInput, mode: 'add' | 'rename'): DepartmentInput {
	const code = input.code.trim();
	const exists = tax.departments.some((d) => d.code === code);
	if (mode === 'add') {
		if (!CODE.test(code)) {
			throw new TaxonomyError(
				'bad_department',
				`部门编码“${code.slice(0, 40)}”无效：须以小写英文字母开头，只含小写字母、数字和下划线，至多 40 个字符（如 city_water）`,
				`department code "${code.slice(0, 40)}" is invalid: it must start with a lowercase letter and hold only lowercase letters, digits and underscores, at most 40 characters (e.g. city_water)`
			);
		}
		if (exists)
			throw new TaxonomyError('duplicate_department', `部门编码“${code}”已存在，请换一个编码`, `department code "${code}" already exists; choose another`);
	} else if (!exists) {
		throw new TaxonomyError('unknown_department', `没有部门“${code.slice(0, 40)}”`, `no department "${code.slice(0, 40)}"`);
	}
	const name_zh = input.name_zh.trim();
	const name_en = input.name_en.trim();
	for (const [name, zh, en] of [
		[name_zh, '中文名称', 'Chinese name'],
		[name_en, '英文名称', 'English name']
	]) {
		if (!name || name.length > MAX_NAME) {
			throw new TaxonomyError(
				'bad_department',
				`部门“${code}”的${zh}不能为空，至多 ${MAX_NAME} 个字符`,
				`department "${code}": the ${en} must not be empty and at most ${MAX_NAME} characters`
			);
		}
	}
	return { code, name_zh, name_en };
}

/** Adds a checked department (listed after the others) or renames one. */
export async function saveDepartment(q: Queryable, d: DepartmentInput, mode: 'add' | 'rename'): Promise<void> {
	if (mode === 'add') {
		await q.query(`INSERT INTO case_departments (code, name_zh, name_en, sort) SELECT $1, $2, $3, coalesce(max(sort), 0) + 10 FROM case_departments`, [
			d.code,
			d.name_zh,
			d.name_en
		]);
	} else {
		await q.query('UPDATE case_departments SET name_zh = $2, name_en = $3 WHERE code = $1', [d.code, d.name_zh, d.name_en]);
	}
}

/**
 * Deletes a department that no subclass is dispatched to and no case has been (its cases keep their
 * department); otherwise refuses naming the subclasses, or the number of cases. The row is locked
 * first, so a subclass moved onto it meanwhile waits for this transaction.
 */
export async function deleteDepartment(q: Queryable, code: string): Promise<void> {
	const [row] = await q.query<{ code: string }>('SELECT code FROM case_departments WHERE code = $1 FOR UPDATE', [code]);
	if (!row) throw new TaxonomyError('unknown_department', `没有部门“${code.slice(0, 40)}”`, `no department "${code.slice(0, 40)}"`);
	const subs = await q.query<{ code: string }>('SELECT code FROM case_subclasses WHERE department_code = $1 ORDER BY code', [code]);
	if (subs.length) {
		const list = subs.map((s) => s.code).join('、');
		throw new TaxonomyError(
			'department_in_use',
			`部门“${code}”仍是小类 ${list} 的责任部门：请先把这些小类改派给其他部门，再删除`,
			`department "${code}" is still responsible for subclass ${subs.map((s) => s.code).join(', ')}: move them to another department first`
		);
	}
	const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM case_ops WHERE department_code = $1', [code]);
	if (n > 0) {
		throw new TaxonomyError(
			'department_in_use',
			`部门“${code}”已处置过 ${n} 件案件，不能删除（可改名）`,
			`department "${code}" has handled ${n} case(s) and cannot be deleted (rename it instead)`
		);
	}
	await q.query('DELETE FROM case_departments WHERE code = $1', [code]);
}

/** Checks a category → subclass mapping: a known category and subclass each. */
export function checkMapping(tax: Pick<Taxonomy, 'categories' | 'subclasses'>, category: string, subclass: string): { category: string; subclass: string } {
	if (!tax.categories.some((c) => c.code === category))
		throw new TaxonomyError('unknown_category', `没有事件类别“${category.slice(0, 40)}”`, `no case category "${category.slice(0, 40)}"`);
	if (!tax.subclasses.some((s) => s.code === subclass)) {
		throw new TaxonomyError(
			'unknown_subclass',
			`事件类别“${category}”：没有小类“${subclass.slice(0, 40)}”，请从列表中选择`,
			`case category "${category}": no subclass "${subclass.slice(0, 40)}"; pick one from the list`
		);
	}
	return { category, subclass };
}

/** Writes checked mappings (only those that change). Cases already registered keep their subclass. */
export async function updateMappings(q: Queryable, mappings: { category: string; subclass: string }[]): Promise<number> {
	if (!mappings.length) return 0;
	const rows = await q.query(
		`UPDATE case_categories k SET subclass_code = m.subclass FROM unnest($1::text[], $2::text[]) AS m(category, subclass)
		 WHERE k.code = m.category AND k.subclass_code IS DISTINCT FROM m.subclass RETURNING k.code`,
		[mappings.map((m) => m.category), mappings.map((m) => m.subclass)]
	);
	return rows.length;
}
