// The benches that start the production server, at smoke size (see tests/benches.test.ts for the rest,
// and tests/helpers/bench.ts): each runs to the end and prints RESULT with the keys it promises.
// Timings are the machine's: never asserted.
import { describe, it } from 'vitest';
import { smokeBench } from '../helpers/bench';

describe('benches at smoke size (production server)', () => {
	it('startup: a cold and a warm start, first HTTP answer and first spatial query', async () => {
		// each start's steps as the server timed them (scripts/bench/startup.ts), and the sign-in before the query
		const steps = ['boot', 'data_dir', 'modules', 'new_database', 'engine_open', 'migrations', 'versions', 'demo', 'accounts', 'warm_up', 'sign_in'];
		const perStart = ['cold', 'warm'].flatMap((start) => [...steps.map((step) => `${start}_${step}_ms`), `${start}_rss_mb`, `${start}_peak_rss_mb`]);
		await smokeBench('startup', ['first_http_ms', 'cold_query_ms', 'warm_query_ms', 'warm_vs_cold_ratio', 'cold_ready_ms', 'warm_ready_ms', ...perStart], {
			timeoutMs: 900_000
		});
	}, 920_000);

	it('cases: ingest against the per-row trigger, POST → SSE, fan-out, binary columns', async () => {
		await smokeBench('cases', ['cases_per_s', 'vs_trigger', 'sse_p99_ms', 'sse_deliveries_per_s', 'bytes_per_case'], { timeoutMs: 900_000 });
	}, 920_000);
});
