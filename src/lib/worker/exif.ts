// The evidence a phone photo carries in its EXIF: when it was taken (DateTimeOriginal, the camera's
// local time, taken as Beijing time) and where (GPS). Read from the original JPEG before it is
// downscaled (a canvas drops EXIF), and sent beside the photo. Pure; null for whatever is missing.

export interface PhotoEvidence {
	takenAt: string | null;
	lon: number | null;
	lat: number | null;
}

const NONE: PhotoEvidence = { takenAt: null, lon: null, lat: null };

export function readExif(bytes: Uint8Array): PhotoEvidence {
	if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return NONE;
	let p = 2;
	while (p + 4 < bytes.length && bytes[p] === 0xff) {
		const marker = bytes[p + 1];
		const len = (bytes[p + 2] << 8) | bytes[p + 3];
		if (marker === 0xe1 && String.fromCharCode(...bytes.subarray(p + 4, p + 8)) === 'Exif') return readTiff(bytes.subarray(p + 10, p + 2 + len));
		if (marker === 0xda || len < 2) break;
		p += 2 + len;
	}
	return NONE;
}

function readTiff(t: Uint8Array): PhotoEvidence {
	if (t.length < 8) return NONE;
	const little = t[0] === 0x49;
	const view = new DataView(t.buffer, t.byteOffset, t.byteLength);
	const u16 = (o: number) => view.getUint16(o, little);
	const u32 = (o: number) => view.getUint32(o, little);
	const entries = (ifd: number) => {
		const out = new Map<number, { type: number; count: number; at: number }>();
		if (ifd + 2 > t.length) return out;
		const n = u16(ifd);
		for (let i = 0; i < n; i++) {
			const e = ifd + 2 + i * 12;
			if (e + 12 > t.length) break;
			const type = u16(e + 2);
			const count = u32(e + 4);
			const size = ({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 10: 8 } as Record<number, number>)[type] ?? 1;
			out.set(u16(e), { type, count, at: size * count > 4 ? u32(e + 8) : e + 8 });
		}
		return out;
	};
	const ascii = (e?: { count: number; at: number }) =>
		e && e.at + e.count <= t.length ? String.fromCharCode(...t.subarray(e.at, e.at + e.count)).replace(/\0.*$/, '') : null;
	const rationals = (e?: { count: number; at: number }) => {
		if (!e || e.at + e.count * 8 > t.length) return null;
		return Array.from({ length: e.count }, (_, i) => u32(e.at + i * 8) / (u32(e.at + i * 8 + 4) || 1));
	};
	try {
		const ifd0 = entries(u32(4));
		const exif = ifd0.get(0x8769) ? entries(u32(ifd0.get(0x8769)!.at)) : new Map();
		const gps = ifd0.get(0x8825) ? entries(u32(ifd0.get(0x8825)!.at)) : new Map();
		const when = ascii(exif.get(0x9003)) ?? ascii(ifd0.get(0x0132));
		const m = when ? /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(when) : null;
		const takenAt = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`).toISOString() : null;
		const deg = (r: number[] | null) => (r && r.length >= 3 ? r[0] + r[1] / 60 + r[2] / 3600 : null);
		let lat = deg(rationals(gps.get(0x0002)));
		let lon = deg(rationals(gps.get(0x0004)));
		if (lat !== null && ascii(gps.get(0x0001)) === 'S') lat = -lat;
		if (lon !== null && ascii(gps.get(0x0003)) === 'W') lon = -lon;
		const ok = lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0);
		return { takenAt: takenAt && !Number.isNaN(Date.parse(takenAt)) ? takenAt : null, lon: ok ? lon : null, lat: ok ? lat : null };
	} catch {
		return NONE;
	}
}
