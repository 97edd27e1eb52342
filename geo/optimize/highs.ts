// The HiGHS MILP solver (WebAssembly, the `highs` package): loaded once per thread on first use. A
// solve blocks its thread, so the app runs it in a job worker (src/lib/server/jobs/tasks.ts).
import highsLoader, { type Highs } from 'highs';

let loading: Promise<Highs> | null = null;

/** The solver runtime of this thread (the Wasm module is compiled on the first call). */
export function loadHighs(): Promise<Highs> {
	loading ??= highsLoader().catch((err: unknown) => {
		loading = null;
		throw err;
	});
	return loading;
}

export type { Highs };
