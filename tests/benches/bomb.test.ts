// `npm run bench -- bomb --smoke` inside `npm test`: the bench runs end to end (server, bombs, both
// upload routes) and every bomb is refused with its rule. Figures are the bench's to report: only the
// RESULT keys and the refusals are asserted here, never timings or memory.
import { describe, expect, it } from 'vitest';
import { smokeBench } from '../helpers/bench';

describe('npm run bench -- bomb --smoke', () => {
	it('refuses every bomb on both routes and ends with RESULT', async () => {
		const result = await smokeBench(
			'bomb',
			['bomb_rss_mb', 'capped_rss_mb', 'limit_ok', 'naive_rss_mb', 'rules', 'server_rss_mb', 'server_up', 'smoke', 'uncompressed_bomb_mb'],
			{ timeoutMs: 280_000 }
		);
		expect(result.server_up).toBe(true);
		expect(result.smoke).toBe(true);
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
