// Photos are known by their bytes: JPEG, PNG, WebP and HEIC pass; anything else (a PDF, a GIF, a
// program, text, a file named .jpg that is none) does not.
import { describe, expect, it } from 'vitest';
import { sniffImage } from './sniff';

const bytes = (...parts: (number[] | string)[]) => {
	const out: number[] = [];
	for (const p of parts) out.push(...(typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p));
	while (out.length < 32) out.push(0);
	return new Uint8Array(out);
};

describe('sniffImage', () => {
	it('knows the four photo formats by their signatures', () => {
		expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
		expect(sniffImage(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
		expect(sniffImage(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '))).toBe('image/webp');
		expect(sniffImage(bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'))).toBe('image/heic');
		expect(sniffImage(bytes([0, 0, 0, 0x18], 'ftypmif1', [0, 0, 0, 0], 'heicmiaf'))).toBe('image/heic');
	});

	it('refuses everything else', () => {
		expect(sniffImage(bytes('%PDF-1.7'))).toBeNull();
		expect(sniffImage(bytes('GIF89a'))).toBeNull();
		expect(sniffImage(bytes([0x4d, 0x5a, 0x90, 0]))).toBeNull(); // a Windows program
		expect(sniffImage(bytes('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
		expect(sniffImage(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))).toBeNull();
		expect(sniffImage(bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 0, 0], 'isommp41'))).toBeNull(); // an MP4 video
		expect(sniffImage(bytes([0xff, 0xd8]))).toBeNull();
		expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff]))).toBeNull(); // too short to be a photo
	});
});
