// Which unit a click on the map selects. The drill-down goes one level at a time: from the city a
// click picks the subdistrict under it, from a subdistrict the community, from a community the grid.
// A click outside the selected unit moves sideways to the unit at the same level under the pointer.

/** 0 city, 1 subdistrict, 2 community, 3 grid: from the code's length. */
export function unitLevel(code: string | null): number {
	if (!code || code === 'city') return 0;
	return code.length === 9 ? 1 : code.length === 12 ? 2 : 3;
}

/**
 * @param current the selected unit's code (null or "city" for the city)
 * @param under the subdistrict, community and grid codes under the click (null where none)
 * @returns the code to select, or null to leave the selection as it is
 */
export function drillTarget(current: string | null, under: [string | null, string | null, string | null]): string | null {
	const level = unitLevel(current);
	const inside = (code: string) => level === 0 || code.startsWith(current!);
	const down = under[Math.min(level, 2)];
	if (down && down !== current && inside(down)) return down;
	const sideways = level > 0 ? under[level - 1] : null;
	if (sideways && sideways !== current) return sideways;
	return null;
}
