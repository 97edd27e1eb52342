// The expected outputs of the fixture tests (test/in → test/out), in one place for every module of
// geo/: a test computes its output and compares it with expectedOutput(file, actual).
//
//   REGEN=1 npx vitest run geo      rewrites every expected output from what the code now computes
//
// (then review the change with git diff: a regenerated output is only as right as the code). An output
// file that does not exist yet is written on the first run. A file whose values did not change is left
// as it is (hand-written ones too), and a rewritten one keeps its layout (indent, final newline).
// Test code only (node:fs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

/** REGEN set (and not 0): the fixture tests write their expected outputs instead of trusting them. */
export const REGEN = Boolean(process.env.REGEN) && process.env.REGEN !== '0';

/** JSON in the layout of `old` (its indent and final newline); one space per level for a new file. */
function formatLike(old: string | null, value: unknown): string {
	if (old === null) return JSON.stringify(value, null, 1) + '\n';
	const body = old.replace(/\n$/, '');
	const indent = body.includes('\n') ? (/\n([ \t]*)/.exec(body)?.[1] ?? '') : '';
	return JSON.stringify(value, null, indent || undefined) + (old.endsWith('\n') ? '\n' : '');
}

/**
 * The expected output stored in `file` (a JSON file under test/out), parsed. Under REGEN=1, or when
 * the file is missing, `actual` is written there first. The test compares: expect(actual).toEqual(…).
 */
export function expectedOutput<T = unknown>(file: string | URL, actual: unknown): T {
	const p = typeof file === 'string' ? file : fileURLToPath(file);
	const old = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null;
	if (old === null || (REGEN && !isDeepStrictEqual(JSON.parse(old), JSON.parse(JSON.stringify(actual))))) {
		fs.mkdirSync(path.dirname(p), { recursive: true });
		fs.writeFileSync(p, formatLike(old, actual));
	}
	return JSON.parse(fs.readFileSync(p, 'utf8')) as T;
}
