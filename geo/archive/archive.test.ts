// The capped inflater and the zip reader on their own: real data passes untouched, and every way a
// bomb can hide (true or lying sizes, shared bytes, sheer entry count) is refused with memory to spare.
import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { FileProblem } from '../issues';
import { archiveLimits, inflateCapped, listZip, readZipEntries, type ArchiveLimits } from './index';
import { buildZip, compressed, compressedZeros, GiB, manyEntryZip, MiB, overlappingZip, realistic } from '../../tests/security/bombs';

const rss = () => process.memoryUsage().rss;
const SMALL: ArchiveLimits = { maxTotalBytes: 4 * MiB, maxRatio: 500, ratioFloorBytes: 256 * 1024, maxEntries: 10 };

/** Byte-for-byte equal (toEqual walks a typed array element by element: minutes for a few MB). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

async function problemOf(promise: Promise<unknown>): Promise<FileProblem> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	if (!(error instanceof FileProblem)) throw new Error(`expected a FileProblem, got ${String(error)}`);
	return error;
}

describe('inflateCapped', () => {
	it('inflates deflate-raw, zlib and gzip data exactly, to a declared size or not', async () => {
		const data = realistic(3 * MiB + 17);
		const formats = [
			['deflate-raw', zlib.deflateRawSync(data)],
			['deflate', zlib.deflateSync(data)],
			['gzip', zlib.gzipSync(data)]
		] as const;
		for (const [format, packed] of formats) {
			expect(same(await inflateCapped(packed, format, { what: 'x', maxBytes: 8 * MiB }), data)).toBe(true);
			expect(
				same(await inflateCapped(packed, format, { what: 'x', maxBytes: 8 * MiB, expectedBytes: data.length, maxRatio: 500, ratioFloorBytes: MiB }), data)
			).toBe(true);
		}
	});

	it('stops a 1 GiB run of zeros a few MB in, whichever cap it meets first', async () => {
		const zeros = await compressedZeros(GiB);
		expect(zeros.data.length).toBeLessThan(1.1 * MiB);
		const before = rss();
		const ratio = await problemOf(inflateCapped(zeros.data, 'deflate-raw', { what: 'bomb.shp', maxBytes: GiB, maxRatio: 500, ratioFloorBytes: 8 * MiB }));
		expect(ratio.rule).toBe('zip-bomb');
		expect(ratio.message).toMatch(/bomb\.shp inflates more than \d+:1 \(the limit is 500:1\)/);
		expect(ratio.text.zh).toMatch(/bomb\.shp 的压缩比超过 \d+:1（上限 500:1）/);
		const total = await problemOf(inflateCapped(zeros.data, 'deflate-raw', { what: 'bomb.shp', maxBytes: 16 * MiB }));
		expect(total.rule).toBe('archive-too-large');
		expect(total.message).toContain('more than the 16 MB limit');
		const lying = await problemOf(inflateCapped(zeros.data, 'deflate-raw', { what: 'bomb.shp', maxBytes: GiB, expectedBytes: 1000 }));
		expect(lying.rule).toBe('zip-bomb');
		expect(lying.message).toContain('past the 1000 B its header declares');
		// Uncapped, each of the three would have held 1 GiB.
		expect(rss() - before).toBeLessThan(200 * MiB);
	});

	it('lets a small entry compress as well as it likes (below the ratio floor)', async () => {
		const zeros = await compressedZeros(4 * MiB);
		expect((await inflateCapped(zeros.data, 'deflate-raw', { what: 'x', maxBytes: GiB, maxRatio: 500, ratioFloorBytes: 8 * MiB })).length).toBe(4 * MiB);
	});

	it('calls damaged data damaged (an Error, not a limit): cut short, corrupt, or shorter than declared', async () => {
		const packed = zlib.gzipSync(realistic(MiB));
		for (const bad of [packed.subarray(0, packed.length >> 1), Uint8Array.from(packed).fill(0xff, 100, 140)]) {
			const error = await inflateCapped(bad, 'gzip', { what: 'x', maxBytes: 8 * MiB }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(Error);
			expect(error).not.toBeInstanceOf(FileProblem);
		}
		await expect(inflateCapped(zlib.deflateRawSync(realistic(1000)), 'deflate-raw', { what: 'x', maxBytes: MiB, expectedBytes: 2000 })).rejects.toThrow(
			/inflates to 1000 bytes, not the 2000/
		);
	});
});

describe('listZip and readZipEntries', () => {
	const layer = () => [
		{ name: 'a.shp', content: compressed(realistic(300_000)) },
		{ name: 'a.dbf', content: compressed(realistic(100_000)) }
	];

	it('read the entries of an honest zip, exactly', async () => {
		const parts = layer();
		const entries = listZip(buildZip(parts));
		expect(entries.map((e) => [e.name, e.size])).toEqual([
			['a.shp', 300_000],
			['a.dbf', 100_000]
		]);
		const [shp, dbf] = await readZipEntries(entries);
		expect(same(shp, realistic(300_000)) && same(dbf, realistic(100_000))).toBe(true);
	});

	it('decode GBK names written without the UTF-8 flag (Chinese Windows tools)', () => {
		const zip = Uint8Array.from(buildZip([{ name: 'x.shp', content: compressed(new Uint8Array(10)) }]));
		const directory = new DataView(zip.buffer).getUint32(zip.length - 22 + 16, true);
		zip.set([0xbd, 0xa8, 0xd6, 0xfe, 0x2e], directory + 46); // "建筑." in GBK, over the 5 bytes of "x.shp"
		zip[directory + 9] = 0; // no UTF-8 flag (bit 11 of the flags)
		expect(listZip(zip)[0].name).toBe('建筑.');
	});

	it('refuse a cut-off zip as damaged, saying it is truncated', () => {
		const zip = buildZip(layer());
		expect(() => listZip(zip.subarray(0, zip.length - 10))).toThrow(
			expect.objectContaining({ rule: 'damaged-file', message: expect.stringContaining('truncated') })
		);
	});

	it('refuse more entries than the limit from the directory alone', () => {
		expect(() => listZip(manyEntryZip(11), SMALL)).toThrow(
			expect.objectContaining({ rule: 'archive-too-large', message: expect.stringContaining('holds 11 entries, over the limit of 10') })
		);
		expect(listZip(manyEntryZip(10), SMALL)).toHaveLength(10);
		expect(archiveLimits().maxEntries).toBe(1000);
	});

	it('refuse entries that share compressed bytes (each one the whole bomb)', async () => {
		const zip = overlappingZip(['a.shp', 'b.shp', 'c.shp'], compressed(realistic(1000)));
		expect(() => listZip(zip)).toThrow(expect.objectContaining({ rule: 'zip-bomb', message: expect.stringContaining('share the same compressed bytes') }));
	});

	it('refuse on the declared sizes before inflating: the ratio of an entry, the total of the archive', async () => {
		const zeros = await compressedZeros(64 * MiB);
		const honest = listZip(buildZip([{ name: 'z.shp', content: zeros }]));
		await expect(readZipEntries(honest)).rejects.toMatchObject({ rule: 'zip-bomb', message: expect.stringContaining('z.shp inflates more than') });
		const big = listZip(buildZip(layer()));
		await expect(readZipEntries(big, { ...SMALL, maxTotalBytes: 350_000 })).rejects.toMatchObject({
			rule: 'archive-too-large',
			message: expect.stringContaining('the zip inflates to more than')
		});
	});

	it('hold each entry to its declared size as it inflates: a lie is caught at the size told', async () => {
		const zeros = await compressedZeros(64 * MiB);
		const small = listZip(buildZip([{ name: 'z.shp', content: zeros, declaredSize: 4096 }]));
		await expect(readZipEntries(small)).rejects.toMatchObject({ rule: 'zip-bomb', message: expect.stringContaining('past the 4.0 KB its header declares') });
		// Declared within the ratio (400:1), really 1000:1: the running ratio stops it.
		const plausible = listZip(buildZip([{ name: 'z.shp', content: zeros, declaredSize: zeros.data.length * 400 }]));
		await expect(readZipEntries(plausible)).rejects.toMatchObject({ rule: 'zip-bomb', message: expect.stringContaining('the limit is 500:1') });
	});
});
