// Every route of src/routes and its methods, read from the files on disk (not from a list someone
// must remember to update): the permission and jurisdiction suites walk it, so a new route that has
// no rule, example or probe fails them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUTES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/routes');

export interface RouteMethod {
	/** SvelteKit route id, e.g. /api/cases/[id] */
	id: string;
	/** GET, POST, …; a page is GET, its form actions POST. */
	method: string;
}

export function routesOnDisk(): RouteMethod[] {
	const out: RouteMethod[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				walk(full);
				continue;
			}
			const id = '/' + path.relative(ROUTES, dir).split(path.sep).filter(Boolean).join('/');
			const text = fs.readFileSync(full, 'utf8');
			if (entry.name === '+server.ts') {
				for (const m of text.matchAll(/export (?:const|async function|function) (GET|POST|PATCH|PUT|DELETE)\b/g)) out.push({ id, method: m[1] });
			} else if (entry.name === '+page.svelte') {
				out.push({ id, method: 'GET' });
			} else if (entry.name === '+page.server.ts' && /export const actions\b/.test(text)) {
				out.push({ id, method: 'POST' });
			}
		}
	};
	walk(ROUTES);
	return out;
}
