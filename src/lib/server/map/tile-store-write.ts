// What the tile store's writer thread does with one tile (./tile-store-writer.mjs): write it whole
// under its version's name, unless a newer version of it is there, and remove its older versions.
// Tiles hold the city's data: readable by the app's OS user and group only, as photos are.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../runtime/files';

export interface TileWrite {
	/** <folder>/<y>[@crs].v<version>.mvt */
	file: string;
	version: number;
	body: Uint8Array;
	/** The store's record of the highest version written, when this tile raises it. */
	highWater?: string;
	highest: number;
}

const MODES = { fileMode: 0o640, dirMode: 0o750 };

/** Versions of the tile of `file` in its folder. */
function versionsBeside(file: string): number[] {
	const prefix = path.basename(file).replace(/\.v\d+\.mvt$/, '.v');
	let names: string[];
	try {
		names = fs.readdirSync(path.dirname(file));
	} catch {
		return [];
	}
	return names.filter((n) => n.startsWith(prefix) && n.endsWith('.mvt')).map((n) => Number(n.slice(prefix.length, -4)));
}

export function writeStoredTile(w: TileWrite): void {
	if (w.highWater) writeFileAtomically(w.highWater, String(w.highest), MODES);
	const versions = versionsBeside(w.file);
	// a slower build of an older version finishing last is not kept
	if (versions.some((v) => v > w.version)) return;
	if (!versions.includes(w.version)) writeFileAtomically(w.file, w.body, MODES);
	for (const v of versions) if (v < w.version) fs.rmSync(w.file.replace(/\.v\d+\.mvt$/, `.v${v}.mvt`), { force: true });
}
