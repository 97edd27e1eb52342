// What an uploaded photo really is, from its first bytes (never its name or the type the client
// claims): JPEG, PNG, WebP or HEIC/HEIF; anything else is refused.

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic';

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** HEIF brands of still images (ISO/IEC 23008-12): heic, heix, heim, heis, mif1, msf1, hevc, hevx. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

export function sniffImage(bytes: Uint8Array): PhotoMime | null {
	if (bytes.length < 12) return null;
	// JPEG: SOI then a marker (FF D8 FF).
	if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
	// PNG: the 8-byte signature.
	const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
	if (png.every((v, i) => bytes[i] === v)) return 'image/png';
	// WebP: RIFF <size> WEBP.
	if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
	// HEIC: an ISO BMFF 'ftyp' box whose major or a compatible brand is a HEIF image brand.
	if (ascii(bytes, 4, 8) === 'ftyp') {
		const size = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
		const end = Math.min(bytes.length, size >= 16 && size <= 4096 ? size : 16);
		for (let p = 8; p + 4 <= end; p += 4) {
			if (p === 12) continue; // minor version
			if (HEIF_BRANDS.has(ascii(bytes, p, p + 4))) return 'image/heic';
		}
	}
	return null;
}

export const PHOTO_EXT: Record<PhotoMime, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic' };
