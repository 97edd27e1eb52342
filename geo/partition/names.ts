// One naming rule for grids, for every grid the app makes (drawn, split off, proposed, imported
// without a name) and for the demo city's: the community's short name and the grid's sequence
// number, as in "大行宫第5网格" (not "大行宫社区居委会第005网格").

/** 大行宫社区居委会 → 大行宫; 新街口社区 → 新街口. */
export function communityShortName(name: string): string {
	return name.replace(/(社区)?(居民委员会|居委会)$/, '').replace(/社区$/, '');
}

/** The default name of grid `code` (community code + 3-digit sequence) in the named community. */
export function gridName(communityName: string, code: string): string {
	return `${communityShortName(communityName) || communityName}第${Number(code.slice(-3))}网格`;
}
