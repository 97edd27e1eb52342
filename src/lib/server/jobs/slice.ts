// Loops that must stay on the request thread (they build what the request answers with) give the
// event loop back every few milliseconds, so no other request waits behind them for long.

/** About this much work between pauses. */
export const SLICE_MS = 8;

/** `if (slice.due()) await slice.pause();` inside a long loop. */
export function timeSlicer(ms = SLICE_MS) {
	let since = performance.now();
	return {
		due: () => performance.now() - since >= ms,
		async pause() {
			await new Promise((resolve) => setImmediate(resolve));
			since = performance.now();
		}
	};
}
