// The one place uploaded bytes are decompressed (tests/security/uploads.test.ts holds every other
// file to that). The platform's DecompressionStream inflates as a stream; the output is counted chunk
// by chunk and the stream is cancelled the moment a cap is passed, so a bomb costs no more memory
// than the cap it ran into — never the gigabytes it claims or hides.
import { named, overDeclaredProblem, ratioProblem, tooLargeProblem, type Named } from './limits';

export type InflateFormat = 'deflate-raw' | 'deflate' | 'gzip';

export interface InflateCaps {
	/** What the data is, for messages: "roads.shp", words for "the data block at byte 1234". */
	what: Named;
	/** Refused (archive-too-large) as soon as the output passes this. */
	maxBytes: number;
	/** The size the container declares: the output must be exactly this, and is refused the moment it is more. */
	expectedBytes?: number;
	/** Output ÷ input fed so far, refused (zip-bomb) above this once the output passes ratioFloorBytes. */
	maxRatio?: number;
	ratioFloorBytes?: number;
}

/**
 * Input goes in this much at a time, each slice once the last is consumed, so "input fed" tracks what
 * produced the output: a bomb is caught a few MB in, not after the whole entry's worth of ratio.
 */
const FEED_BYTES = 16 * 1024;

/** Byte arrays (or plain byte lists) one after another, in one new array. */
export function concatBytes(parts: (Uint8Array | number[])[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/** Collects the output: straight into one array of the declared size when there is one (no copy at the end). */
class Output {
	size = 0;
	private readonly chunks: Uint8Array[] = [];
	private readonly whole?: Uint8Array;
	constructor(expectedBytes?: number) {
		// Pages of a new array are only committed when written, so this costs what is inflated, not what is declared.
		if (expectedBytes !== undefined) this.whole = new Uint8Array(expectedBytes);
	}
	push(chunk: Uint8Array) {
		if (this.whole) this.whole.set(chunk, this.size);
		else this.chunks.push(chunk);
		this.size += chunk.length;
	}
	bytes(): Uint8Array {
		return this.whole ?? concatBytes(this.chunks);
	}
}

function checkCaps(size: number, fed: number, caps: InflateCaps): void {
	if (caps.expectedBytes !== undefined && size > caps.expectedBytes) throw overDeclaredProblem(caps.what, caps.expectedBytes);
	if (caps.maxRatio !== undefined && size > (caps.ratioFloorBytes ?? 0) && size > caps.maxRatio * fed) throw ratioProblem(caps.what, size / fed, caps.maxRatio);
	if (size > caps.maxBytes) throw tooLargeProblem(caps.what, size, caps.maxBytes);
}

/** Writes `data` into the stream slice by slice; its errors surface on the reading side. */
function feed(writable: WritableStream<BufferSource>, data: Uint8Array, fedSoFar: (n: number) => void): void {
	const writer = writable.getWriter();
	(async () => {
		for (let at = 0; at < data.length; at += FEED_BYTES) {
			const end = Math.min(data.length, at + FEED_BYTES);
			fedSoFar(end);
			await writer.write(data.subarray(at, end) as Uint8Array<ArrayBuffer>);
		}
		await writer.close();
	})().catch(() => {});
}

/**
 * `data` inflated, or a FileProblem (zip-bomb, archive-too-large) as soon as the output passes a cap,
 * or an Error when the data is damaged (the stream's own checks: zlib/gzip checksums, a cut-off end).
 */
export async function inflateCapped(data: Uint8Array, format: InflateFormat, caps: InflateCaps): Promise<Uint8Array> {
	if (caps.expectedBytes !== undefined && caps.expectedBytes > caps.maxBytes) throw tooLargeProblem(caps.what, caps.expectedBytes, caps.maxBytes);
	const stream = new DecompressionStream(format);
	let fed = 0;
	feed(stream.writable, data, (n) => (fed = n));
	const reader = stream.readable.getReader();
	const output = new Output(caps.expectedBytes);
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			checkCaps(output.size + value.length, fed, caps);
			output.push(value);
		}
	} catch (error) {
		await reader.cancel().catch(() => {});
		throw error;
	}
	if (caps.expectedBytes !== undefined && output.size !== caps.expectedBytes) {
		throw new Error(`${named(caps.what).en} inflates to ${output.size} bytes, not the ${caps.expectedBytes} its header declares`);
	}
	return output.bytes();
}
