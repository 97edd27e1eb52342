// No import circles in geo/ and src/lib (issue 20), type-only imports included: a circle of types today is
// a circle of values after the next refactor. Imports are read as text (relative, $geo/ and $lib/ paths;
// tests and benches left out).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/bench';

function sources(dir: string, out: string[] = []): string[] {
	for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, f.name);
		if (f.isDirectory()) {
			if (f.name !== 'node_modules' && f.name !== 'test') sources(p, out);
		} else if (f.name.endsWith('.ts') && !/\.test\.ts$|bench/.test(f.name)) out.push(p);
	}
	return out;
}

function resolve(from: string, spec: string): string | null {
	const base = spec.startsWith('$geo/')
		? path.join(ROOT, 'geo', spec.slice(5))
		: spec.startsWith('$lib/')
			? path.join(ROOT, 'src/lib', spec.slice(5))
			: spec.startsWith('.')
				? path.resolve(path.dirname(from), spec)
				: null;
	if (!base) return null;
	for (const c of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
	return null;
}

/** Strongly connected components of more than one file (Tarjan). */
function circles(graph: Map<string, Set<string>>): string[][] {
	let counter = 0;
	const stack: string[] = [];
	const onStack = new Set<string>();
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const found: string[][] = [];
	const visit = (v: string) => {
		index.set(v, counter);
		low.set(v, counter++);
		stack.push(v);
		onStack.add(v);
		for (const w of graph.get(v) ?? []) {
			if (!graph.has(w)) continue;
			if (!index.has(w)) {
				visit(w);
				low.set(v, Math.min(low.get(v)!, low.get(w)!));
			} else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
		}
		if (low.get(v) === index.get(v)) {
			const c: string[] = [];
			let w: string;
			do {
				w = stack.pop()!;
				onStack.delete(w);
				c.push(path.relative(ROOT, w));
			} while (w !== v);
			if (c.length > 1) found.push(c.sort());
		}
	};
	for (const v of graph.keys()) if (!index.has(v)) visit(v);
	return found;
}

describe('import circles', () => {
	it('geo/ and src/lib import each other in one direction only', () => {
		const graph = new Map<string, Set<string>>();
		for (const f of [...sources(path.join(ROOT, 'geo')), ...sources(path.join(ROOT, 'src/lib'))]) {
			const deps = new Set<string>();
			for (const m of fs.readFileSync(f, 'utf8').matchAll(/^(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
				const r = resolve(f, m[1]);
				if (r) deps.add(r);
			}
			graph.set(f, deps);
		}
		expect(graph.size).toBeGreaterThan(300);
		expect(circles(graph)).toEqual([]);
	});
});
