// A minimal PNG decoder (8-bit RGB/RGBA, not interlaced: what Chromium writes), so the tests can
// count pixels without an image library.
import zlib from 'node:zlib';

export interface Image {
	width: number;
	height: number;
	/** RGBA, 4 bytes a pixel. */
	data: Uint8Array;
}

export function decodePng(buf: Buffer): Image {
	if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
	let p = 8;
	let width = 0,
		height = 0,
		colorType = 0;
	const idat: Buffer[] = [];
	while (p < buf.length) {
		const len = buf.readUInt32BE(p);
		const type = buf.toString('ascii', p + 4, p + 8);
		const body = buf.subarray(p + 8, p + 8 + len);
		if (type === 'IHDR') {
			width = body.readUInt32BE(0);
			height = body.readUInt32BE(4);
			if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit non-interlaced PNGs');
			colorType = body[9];
		} else if (type === 'IDAT') idat.push(body);
		else if (type === 'IEND') break;
		p += 12 + len;
	}
	const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
	if (!channels) throw new Error(`PNG colour type ${colorType} not supported`);
	const raw = zlib.inflateSync(Buffer.concat(idat));
	const stride = width * channels;
	const out = new Uint8Array(width * height * 4);
	let prev = new Uint8Array(stride);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		const cur = new Uint8Array(stride);
		for (let i = 0; i < stride; i++) {
			const a = i >= channels ? cur[i - channels] : 0;
			const b = prev[i];
			const c = i >= channels ? prev[i - channels] : 0;
			let v = line[i];
			if (filter === 1) v += a;
			else if (filter === 2) v += b;
			else if (filter === 3) v += (a + b) >> 1;
			else if (filter === 4) {
				const pa = Math.abs(b - c),
					pb = Math.abs(a - c),
					pc = Math.abs(a + b - 2 * c);
				v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
			}
			cur[i] = v & 0xff;
		}
		for (let x = 0; x < width; x++) {
			const o = (y * width + x) * 4;
			out[o] = cur[x * channels];
			out[o + 1] = cur[x * channels + 1];
			out[o + 2] = cur[x * channels + 2];
			out[o + 3] = channels === 4 ? cur[x * channels + 3] : 255;
		}
		prev = cur;
	}
	return { width, height, data: out };
}

export function hexToRgb(hex: string): [number, number, number] {
	const n = parseInt(hex.replace('#', ''), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Pixels within `tolerance` (max channel difference) of a colour. */
export function countColor(img: Image, rgb: [number, number, number], tolerance = 24): number {
	let n = 0;
	for (let i = 0; i < img.data.length; i += 4) {
		if (Math.abs(img.data[i] - rgb[0]) <= tolerance && Math.abs(img.data[i + 1] - rgb[1]) <= tolerance && Math.abs(img.data[i + 2] - rgb[2]) <= tolerance) n++;
	}
	return n;
}

/** A solid-colour RGB PNG (for tiles served to the page by a test route). */
export function encodeSolidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf: Buffer) => {
		let c = 0xffffffff;
		for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, body: Buffer) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(body.length);
		const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(typed));
		return Buffer.concat([len, typed, sum]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // RGB
	const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
	const raw = Buffer.concat(Array.from({ length: height }, () => row));
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0))
	]);
}
