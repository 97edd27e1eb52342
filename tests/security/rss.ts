// A process's resident memory, from /proc (Linux), for the upload bombs' memory goal:
// RSS growth ≤ 4 × the compressed upload + 200 MB, whether the upload is accepted or refused.
import fs from 'node:fs';

const MiB = 1024 * 1024;

function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) * 1024 : 0;
}

export const rssBytes = (pid: number) => statusBytes(pid, 'VmRSS');

/** The goal for one upload of `compressedBytes`. */
export const allowedGrowth = (compressedBytes: number) => 4 * compressedBytes + 200 * MiB;

/**
 * Watches a process from now: its peak RSS above what it was at the start. The kernel's own peak
 * (VmHWM, reset here through clear_refs) catches what a 10 ms sample would miss; sampling stays as the
 * fallback where the reset is not allowed.
 */
export function watchRss(pid: number): { start: number; stop(): number } {
	const start = rssBytes(pid);
	let kernelPeak = true;
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
	} catch {
		kernelPeak = false;
	}
	let peak = start;
	const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 10);
	return {
		start,
		stop() {
			clearInterval(timer);
			return Math.max(peak, rssBytes(pid), kernelPeak ? statusBytes(pid, 'VmHWM') : 0) - start;
		}
	};
}
