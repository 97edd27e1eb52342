#!/usr/bin/env node
// Builds the MapLibre glyph ranges (SDF glyphs in protobuf) that the map serves from its own origin,
// so label text never needs a font server: government intranets have no internet.
// Only Latin/punctuation ranges are built; CJK is drawn by the browser from local fonts
// (MapLibre's localIdeographFontFamily), which keeps the bundle a few tens of kilobytes.
//
// No npm font package ships ready-made glyph PBFs, and fontnik needs a native binary download,
// so this reads a TrueType font directly and computes exact signed distances from its outlines.
// Output follows node-fontnik conventions (24 px, 3 px border, radius 8, cutoff 0.25).
//
//   node scripts/build-glyphs.mjs [font.ttf] [out-dir] [fontstack name]
// Defaults: Debian's Noto Sans (apt-get install fonts-noto-core), static/glyphs, "Noto Sans Regular".
import fs from 'node:fs';
import path from 'node:path';

const FONT = process.argv[2] ?? '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf';
const OUT = process.argv[3] ?? 'static/glyphs';
const STACK = process.argv[4] ?? 'Noto Sans Regular';
// 0-255 Latin-1; 8192-8447 general punctuation (– — ‘ ’ “ ” … ‰).
const RANGES = [0, 8192];

const SIZE = 24;
const BORDER = 3;
const RADIUS = 8;
const CUTOFF = 0.25;
// MapLibre aligns locally drawn CJK glyphs with `top = ascent - 27.5`; using the same baseline keeps
// mixed labels such as "第1网格" on one line.
const BASELINE = 27.5;

// ---------- TrueType reading ----------

function readFont(buf) {
	const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	const numTables = dv.getUint16(4);
	const tables = {};
	for (let i = 0; i < numTables; i++) {
		const rec = 12 + i * 16;
		const tag = String.fromCharCode(buf[rec], buf[rec + 1], buf[rec + 2], buf[rec + 3]);
		tables[tag] = { offset: dv.getUint32(rec + 8), length: dv.getUint32(rec + 12) };
	}
	for (const t of ['head', 'hhea', 'hmtx', 'maxp', 'cmap', 'loca', 'glyf']) {
		if (!tables[t]) throw new Error(`${FONT}: no ${t} table (a TrueType-outline font is needed, not CFF)`);
	}
	const head = tables.head.offset;
	const unitsPerEm = dv.getUint16(head + 18);
	const longLoca = dv.getInt16(head + 50) === 1;
	const numGlyphs = dv.getUint16(tables.maxp.offset + 4);
	const numHMetrics = dv.getUint16(tables.hhea.offset + 34);

	const advance = (gid) => dv.getUint16(tables.hmtx.offset + 4 * Math.min(gid, numHMetrics - 1));
	const glyphRange = (gid) => {
		const l = tables.loca.offset;
		const a = longLoca ? dv.getUint32(l + gid * 4) : dv.getUint16(l + gid * 2) * 2;
		const b = longLoca ? dv.getUint32(l + gid * 4 + 4) : dv.getUint16(l + gid * 2 + 2) * 2;
		return [tables.glyf.offset + a, b - a];
	};

	const cmapLookup = makeCmap(dv, tables.cmap.offset);

	/** Contours as arrays of {x, y, on} in font units, composites flattened. */
	function contours(gid, depth = 0) {
		if (gid >= numGlyphs || depth > 8) return [];
		const [off, len] = glyphRange(gid);
		if (len === 0) return [];
		const n = dv.getInt16(off);
		if (n >= 0) return simpleGlyph(off, n);
		return compositeGlyph(off, depth);
	}

	function simpleGlyph(off, n) {
		let p = off + 10;
		const ends = [];
		for (let i = 0; i < n; i++, p += 2) ends.push(dv.getUint16(p));
		const count = n ? ends[n - 1] + 1 : 0;
		p += 2 + dv.getUint16(p);
		const flags = [];
		while (flags.length < count) {
			const f = buf[p++];
			flags.push(f);
			if (f & 8) {
				let r = buf[p++];
				while (r-- > 0) flags.push(f);
			}
		}
		const xs = [];
		let v = 0;
		for (const f of flags) {
			if (f & 2) v += f & 16 ? buf[p++] : -buf[p++];
			else if (!(f & 16)) {
				v += dv.getInt16(p);
				p += 2;
			}
			xs.push(v);
		}
		const ys = [];
		v = 0;
		for (const f of flags) {
			if (f & 4) v += f & 32 ? buf[p++] : -buf[p++];
			else if (!(f & 32)) {
				v += dv.getInt16(p);
				p += 2;
			}
			ys.push(v);
		}
		const out = [];
		let start = 0;
		for (const end of ends) {
			const c = [];
			for (let i = start; i <= end; i++) c.push({ x: xs[i], y: ys[i], on: (flags[i] & 1) === 1 });
			out.push(c);
			start = end + 1;
		}
		return out;
	}

	function compositeGlyph(off, depth) {
		let p = off + 10;
		const out = [];
		for (;;) {
			const flags = dv.getUint16(p);
			const child = dv.getUint16(p + 2);
			p += 4;
			let dx, dy;
			if (flags & 1) {
				dx = dv.getInt16(p);
				dy = dv.getInt16(p + 2);
				p += 4;
			} else {
				dx = dv.getInt8(p);
				dy = dv.getInt8(p + 1);
				p += 2;
			}
			let a = 1,
				b = 0,
				c = 0,
				d = 1;
			const f2 = (o) => dv.getInt16(o) / 16384;
			if (flags & 8) {
				a = d = f2(p);
				p += 2;
			} else if (flags & 0x40) {
				a = f2(p);
				d = f2(p + 2);
				p += 4;
			} else if (flags & 0x80) {
				a = f2(p);
				b = f2(p + 2);
				c = f2(p + 4);
				d = f2(p + 6);
				p += 8;
			}
			// Point-matched placement (ARGS_ARE_XY_VALUES unset) is not used by Latin accents; place at 0,0.
			if (!(flags & 2)) dx = dy = 0;
			for (const contour of contours(child, depth + 1)) {
				out.push(contour.map((q) => ({ x: a * q.x + c * q.y + dx, y: b * q.x + d * q.y + dy, on: q.on })));
			}
			if (!(flags & 0x20)) break;
		}
		return out;
	}

	return { unitsPerEm, glyphId: cmapLookup, advance, contours };
}

function makeCmap(dv, base) {
	const n = dv.getUint16(base + 2);
	let best;
	for (let i = 0; i < n; i++) {
		const platform = dv.getUint16(base + 4 + i * 8);
		const encoding = dv.getUint16(base + 6 + i * 8);
		const off = base + dv.getUint32(base + 8 + i * 8);
		const format = dv.getUint16(off);
		const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
		if (!unicode || (format !== 4 && format !== 12)) continue;
		if (!best || format === 12) best = { off, format };
	}
	if (!best) throw new Error('no Unicode cmap');
	const { off, format } = best;
	if (format === 12) {
		const groups = dv.getUint32(off + 12);
		return (cp) => {
			for (let g = 0; g < groups; g++) {
				const o = off + 16 + g * 12;
				const s = dv.getUint32(o),
					e = dv.getUint32(o + 4);
				if (cp >= s && cp <= e) return dv.getUint32(o + 8) + cp - s;
			}
			return 0;
		};
	}
	const segs = dv.getUint16(off + 6) / 2;
	const endAt = off + 14,
		startAt = endAt + segs * 2 + 2,
		deltaAt = startAt + segs * 2,
		rangeAt = deltaAt + segs * 2;
	return (cp) => {
		for (let s = 0; s < segs; s++) {
			if (dv.getUint16(endAt + s * 2) < cp) continue;
			const start = dv.getUint16(startAt + s * 2);
			if (start > cp) return 0;
			const delta = dv.getInt16(deltaAt + s * 2);
			const ro = dv.getUint16(rangeAt + s * 2);
			if (ro === 0) return (cp + delta) & 0xffff;
			const g = dv.getUint16(rangeAt + s * 2 + ro + 2 * (cp - start));
			return g === 0 ? 0 : (g + delta) & 0xffff;
		}
		return 0;
	};
}

// ---------- outlines → line segments → signed distance field ----------

/** TrueType quadratic contours flattened to closed polylines (pixel units, y up). */
function flatten(contours, scale) {
	const polys = [];
	for (const c of contours) {
		if (c.length < 2) continue;
		const pts = c.map((q) => ({ x: q.x * scale, y: q.y * scale, on: q.on }));
		// Consecutive off-curve points imply an on-curve point halfway between them.
		const full = [];
		for (let i = 0; i < pts.length; i++) {
			const a = pts[i],
				b = pts[(i + 1) % pts.length];
			full.push(a);
			if (!a.on && !b.on) full.push({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, on: true });
		}
		const first = full.findIndex((q) => q.on);
		const ring = full.slice(first).concat(full.slice(0, first));
		const poly = [[ring[0].x, ring[0].y]];
		for (let i = 1; i <= ring.length; i++) {
			const q = ring[i % ring.length];
			if (q.on) {
				poly.push([q.x, q.y]);
			} else {
				const p0 = poly[poly.length - 1];
				const p2 = ring[(i + 1) % ring.length];
				const steps = 8;
				for (let s = 1; s <= steps; s++) {
					const t = s / steps,
						u = 1 - t;
					poly.push([u * u * p0[0] + 2 * u * t * q.x + t * t * p2.x, u * u * p0[1] + 2 * u * t * q.y + t * t * p2.y]);
				}
				i++;
			}
		}
		polys.push(poly);
	}
	return polys;
}

function segmentDistance(px, py, ax, ay, bx, by) {
	const dx = bx - ax,
		dy = by - ay;
	const l2 = dx * dx + dy * dy;
	let t = l2 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
	t = Math.max(0, Math.min(1, t));
	const ex = ax + t * dx - px,
		ey = ay + t * dy - py;
	return Math.sqrt(ex * ex + ey * ey);
}

/** Non-zero winding, as TrueType fills. */
function inside(px, py, polys) {
	let w = 0;
	for (const poly of polys) {
		for (let i = 0; i < poly.length - 1; i++) {
			const [ax, ay] = poly[i],
				[bx, by] = poly[i + 1];
			if (ay <= py) {
				if (by > py && (bx - ax) * (py - ay) - (px - ax) * (by - ay) > 0) w++;
			} else if (by <= py && (bx - ax) * (py - ay) - (px - ax) * (by - ay) < 0) w--;
		}
	}
	return w !== 0;
}

function renderGlyph(font, cp) {
	const gid = font.glyphId(cp);
	if (gid === 0) return null;
	const scale = SIZE / font.unitsPerEm;
	const advance = Math.round(font.advance(gid) * scale);
	const polys = flatten(font.contours(gid), scale);
	if (polys.length === 0) return { id: cp, bitmap: new Uint8Array(0), width: 0, height: 0, left: 0, top: -Math.round(BASELINE), advance };
	let x0 = Infinity,
		y0 = Infinity,
		x1 = -Infinity,
		y1 = -Infinity;
	for (const poly of polys)
		for (const [x, y] of poly) {
			x0 = Math.min(x0, x);
			y0 = Math.min(y0, y);
			x1 = Math.max(x1, x);
			y1 = Math.max(y1, y);
		}
	const left = Math.floor(x0),
		bottom = Math.floor(y0),
		right = Math.ceil(x1),
		top = Math.ceil(y1);
	const width = right - left,
		height = top - bottom;
	const W = width + 2 * BORDER,
		H = height + 2 * BORDER;
	const bitmap = new Uint8Array(W * H);
	for (let j = 0; j < H; j++) {
		const py = top + BORDER - j - 0.5;
		for (let i = 0; i < W; i++) {
			const px = left - BORDER + i + 0.5;
			let d = Infinity;
			for (const poly of polys) {
				for (let k = 0; k < poly.length - 1; k++) {
					d = Math.min(d, segmentDistance(px, py, poly[k][0], poly[k][1], poly[k + 1][0], poly[k + 1][1]));
				}
			}
			if (inside(px, py, polys)) d = -d;
			const v = Math.max(0, Math.min(1, d / RADIUS + CUTOFF));
			bitmap[j * W + i] = Math.round(255 - 255 * v);
		}
	}
	return { id: cp, bitmap, width, height, left, top: Math.round(top - BASELINE), advance };
}

// ---------- protobuf (the glyphs.proto of Mapbox/MapLibre) ----------

class Writer {
	bytes = [];
	varint(n) {
		n = Math.floor(n);
		while (n > 0x7f) {
			this.bytes.push((n & 0x7f) | 0x80);
			n = Math.floor(n / 128);
		}
		this.bytes.push(n);
	}
	key(field, wire) {
		this.varint(field * 8 + wire);
	}
	uint(field, n) {
		this.key(field, 0);
		this.varint(n);
	}
	sint(field, n) {
		this.key(field, 0);
		this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
	}
	raw(field, data) {
		this.key(field, 2);
		this.varint(data.length);
		for (const b of data) this.bytes.push(b);
	}
	string(field, s) {
		this.raw(field, new TextEncoder().encode(s));
	}
	message(field, w) {
		this.raw(field, w.bytes);
	}
}

function encodeRange(name, range, glyphs) {
	const stack = new Writer();
	stack.string(1, name);
	stack.string(2, range);
	for (const g of glyphs) {
		const w = new Writer();
		w.uint(1, g.id);
		if (g.bitmap.length) w.raw(2, g.bitmap);
		w.uint(3, g.width);
		w.uint(4, g.height);
		w.sint(5, g.left);
		w.sint(6, g.top);
		w.uint(7, g.advance);
		stack.message(3, w);
	}
	const root = new Writer();
	root.message(1, stack);
	return Uint8Array.from(root.bytes);
}

const font = readFont(fs.readFileSync(FONT));
const dir = path.join(OUT, STACK);
fs.mkdirSync(dir, { recursive: true });
for (const start of RANGES) {
	const glyphs = [];
	for (let cp = start; cp < start + 256; cp++) {
		const g = renderGlyph(font, cp);
		if (g) glyphs.push(g);
	}
	const range = `${start}-${start + 255}`;
	const file = path.join(dir, `${range}.pbf`);
	fs.writeFileSync(file, encodeRange(STACK, range, glyphs));
	console.log(`${file}: ${glyphs.length} glyphs, ${fs.statSync(file).size} bytes`);
}
