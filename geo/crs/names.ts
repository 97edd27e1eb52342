// The named coordinate systems an import or the map may be in (the EPSG-coded ones: ./epsg-codes.ts).
// A module of its own so geo/types and the CRS modules share it without importing each other.
export const CRS_NAMES = ['wgs84', 'gcj02', 'bd09'] as const;
export type CrsName = (typeof CRS_NAMES)[number];
