// The worker picks a 大类 and 小类 (the CJ/T 214 taxonomy of migrations/016); the case ingest files
// cases under the older category list (case_categories). Pure: shared by the page and the server.
import type { Taxonomy } from '../cases/types';

/** The category a report of subclass `code` is filed under: the one mapped onto it, else by class. */
export function categoryForSubclass(tax: Pick<Taxonomy, 'categories' | 'classes'>, code: string): string {
	const exact = tax.categories.find((c) => c.subclass_code === code);
	if (exact) return exact.code;
	const cls = tax.classes.find((c) => c.code === code.slice(0, 3));
	if (cls?.kind === 'part') return 'facility_damage';
	if (cls?.code === 'E01') return 'environment';
	if (cls?.code === 'E04') return 'safety_hazard';
	return 'other';
}
