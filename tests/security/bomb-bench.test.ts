// `npm run bench -- bomb --smoke` inside `npm test`: the bench runs end to end (server, bombs, both
// upload routes) and every bomb is refused with its rule. Figures are the bench's to report: only the
// RESULT keys and the refusals are asserted here, never timings or memory.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../browser/helpers/app-server';

describe('npm run bench -- bomb --smoke', () => {
	it('refuses every bomb on both routes and ends with RESULT', () => {
		const run = spawnSync(process.execPath, ['scripts/bench.js', 'bomb', '--smoke'], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
		expect(run.status, run.stderr).toBe(0);
		const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
		expect(line, run.stdout).toBeDefined();
		const result = JSON.parse(line!.slice('RESULT '.length));
		expect(Object.keys(result).sort()).toEqual(['bomb_rss_mb', 'capped_rss_mb', 'limit_ok', 'naive_rss_mb', 'rules', 'server_rss_mb', 'server_up', 'smoke', 'uncompressed_bomb_mb']);
		expect(result.server_up).toBe(true);
		const rules = result.rules as Record<string, string>;
		for (const [upload, rule] of Object.entries(rules)) {
			const expected = upload.startsWith('xinjiekou')
				? 'accepted'
				: upload.startsWith('many-')
					? 'archive-too-large'
					: upload.startsWith('nested')
						? 'shapefile-missing-shp'
						: 'zip-bomb';
			expect(rule, upload).toBe(expected);
		}
		expect(Object.keys(rules).filter((k) => k.endsWith('plan import')).length).toBeGreaterThanOrEqual(7);
	}, 300_000);
});
