// The worker bench at smoke size (20 reports with a photo each, embedded engine): it runs to the end
// and prints its keys; nothing lost (no errors) and the photos stored as sent (ratio 1). Timings are
// the machine's: never asserted.
import { describe, expect, it } from 'vitest';
import { smokeBench } from '../helpers/bench';

describe('bench at smoke size: worker', () => {
	it("the grid workers' phones: reports with photos", async () => {
		const r = await smokeBench('worker', ['reports_per_s', 'p99_ms', 'photo_bytes_on_disk_ratio', 'errors', 'pglite', 'postgres'], { timeoutMs: 900_000 });
		expect(r.errors).toBe(0);
		expect(r.photo_bytes_on_disk_ratio).toBe(1);
	}, 920_000);
});
