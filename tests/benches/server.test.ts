// The benches that start the production server, at smoke size (see tests/benches.test.ts for the rest,
// and tests/helpers/bench.ts): each runs to the end and prints RESULT with the keys it promises.
// Timings are the machine's: never asserted.
import { describe, it } from 'vitest';
import { smokeBench } from '../helpers/bench';

describe('benches at smoke size (production server)', () => {
	it('startup: a cold and a warm start, first HTTP answer and first spatial query', async () => {
		await smokeBench('startup', ['first_http_ms', 'cold_query_ms', 'warm_query_ms', 'warm_vs_cold_ratio'], { timeoutMs: 900_000 });
	}, 920_000);

	it('cases: ingest against the per-row trigger, POST → SSE, fan-out, binary columns', async () => {
		await smokeBench('cases', ['cases_per_s', 'vs_trigger', 'sse_p99_ms', 'sse_deliveries_per_s', 'bytes_per_case'], { timeoutMs: 900_000 });
	}, 920_000);
});
