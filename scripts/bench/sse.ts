// Reading the case stream in the benches: calls `onCase` with each case event's case id and the
// moment its frame arrived (SSE frames end with a blank line; a chunk may hold several, or half of one).
import type http from 'node:http';

export function onCaseFrames(res: http.IncomingMessage, onCase: (id: string, at: number) => void): void {
	res.setEncoding('utf8');
	let buf = '';
	res.on('data', (chunk: string) => {
		const now = performance.now();
		buf += chunk;
		let k;
		while ((k = buf.indexOf('\n\n')) >= 0) {
			const frame = buf.slice(0, k);
			buf = buf.slice(k + 2);
			const m = /"case":\{"id":"([^"]+)"/.exec(frame);
			if (m) onCase(m[1], now);
		}
	});
}
