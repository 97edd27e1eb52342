// A worker thread of the job pool (./pool.ts). Plain JavaScript so that Node can start it in the
// built app as well as from source: it registers tsx and then loads the task module, which imports
// geo/ (TypeScript, through the $geo alias) directly — the same code the request thread would otherwise
// run. The built app bundles its own imports of $geo; here tsx resolves them from tsconfig.node.json,
// named by path (not found from the current directory, which may be anywhere).
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../../../tsconfig.node.json', import.meta.url)) });
const { tasks } = await import(workerData.taskModule);

/** An error as data: its class name (the pool rebuilds known classes), message, stack and fields. */
function serialise(err) {
	if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
	const fields = {};
	for (const [k, v] of Object.entries(err)) {
		try {
			structuredClone(v);
			fields[k] = v;
		} catch {
			/* a field that can't cross threads is left out */
		}
	}
	return { name: err.name, message: err.message, stack: err.stack, fields };
}

/** The (unshared) buffers of typed arrays in a result, a few levels down: handed over, not copied. */
function buffersIn(value, depth = 0, found = new Set()) {
	if (value === null || typeof value !== 'object' || depth > 3) return found;
	if (ArrayBuffer.isView(value)) {
		if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
		return found;
	}
	for (const v of Array.isArray(value) ? value : Object.values(value)) buffersIn(v, depth + 1, found);
	return found;
}

/**
 * Parts of a streamed job sent but not yet taken by the pool's consumer. The task reads on while its
 * consumer writes (the two overlap), but no further than READ_AHEAD parts: memory stays bounded.
 */
const READ_AHEAD = 2;
let unacked = 0;
/** Resolved when fewer than `below` parts wait. */
let waiting = null;
const fewerThan = (below) => (unacked < below ? Promise.resolve() : new Promise((resolve) => (waiting = { below, resolve })));

parentPort.on('message', async ({ id, task, args, streamed, ack }) => {
	if (ack) {
		unacked--;
		if (waiting && unacked < waiting.below) {
			waiting.resolve();
			waiting = null;
		}
		return;
	}
	unacked = 0;
	waiting = null;
	const fn = tasks[task];
	try {
		if (typeof fn !== 'function') throw new Error(`unknown job task ${task}`);
		// A task may hand back its result in parts (ctx.part), each a message of its own, so that the
		// request thread takes in a large result a slice at a time instead of in one long pause. A
		// streamed job reads at most READ_AHEAD parts ahead of its writer, and answers once all are taken.
		const ctx = {
			part: (value) => {
				parentPort.postMessage({ id, part: value });
				if (!streamed) return Promise.resolve();
				unacked++;
				return fewerThan(READ_AHEAD);
			}
		};
		const result = await fn(...args, ctx);
		if (streamed) await fewerThan(1);
		parentPort.postMessage({ id, ok: true, result }, [...buffersIn(result)]);
	} catch (err) {
		parentPort.postMessage({ id, ok: false, error: serialise(err) });
	}
});
parentPort.postMessage({ ready: true });
