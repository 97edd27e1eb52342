// Building colours, shared by the MapLibre and deck.gl renderers and the legend.
import { HOUSEHOLD_BREAKS, type Palette } from './theme';

/** FNV-1a: a small, stable string hash (the same in every browser and on every visit). */
function hash(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/**
 * A stable palette index for a grid code. Grids are numbered west→east, north→south inside their
 * community, so neighbours usually have consecutive sequence numbers: offsetting the sequence by a
 * hash of the community keeps neighbours apart while every grid keeps its colour for good.
 */
export function gridColorIndex(gridCode: string, paletteSize: number): number {
	const community = gridCode.slice(0, 12);
	const seq = Number(gridCode.slice(12)) || hash(gridCode);
	return (hash(community) + seq) % paletteSize;
}

export function gridColor(gridCode: string | null | undefined, palette: Palette): string {
	if (!gridCode) return palette.buildingUnassigned;
	return palette.gridPalette[gridColorIndex(gridCode, palette.gridPalette.length)];
}

/** The household class of a building: 0 for none, then 1… per HOUSEHOLD_BREAKS. */
export function householdClass(households: number | null | undefined): number {
	const n = households ?? 0;
	let cls = 0;
	for (let i = 0; i < HOUSEHOLD_BREAKS.length; i++) if (n >= HOUSEHOLD_BREAKS[i]) cls = i + 1;
	return cls;
}

export function householdColor(households: number | null | undefined, palette: Palette): string {
	return palette.householdRamp[householdClass(households)];
}

/** Legend rows for the household ramp: colour and the range it stands for. */
export function householdLegend(palette: Palette): { color: string; from: number; to: number | null }[] {
	const rows = [{ color: palette.householdRamp[0], from: 0, to: 0 as number | null }];
	HOUSEHOLD_BREAKS.forEach((b, i) => {
		const next = HOUSEHOLD_BREAKS[i + 1];
		rows.push({ color: palette.householdRamp[i + 1], from: b, to: next === undefined ? null : next - 1 });
	});
	return rows;
}

/** "#rrggbb" → [r, g, b, a] for deck.gl. */
export function rgba(hex: string, alpha = 255): [number, number, number, number] {
	const n = parseInt(hex.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}
