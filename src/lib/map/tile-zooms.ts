// The zooms from which the map asks for each tiled layer (a large city's layers come as vector
// tiles). Zoomed out further, communities, grids and buildings are too dense to read. The server
// shares the grids' figure: below it a grid tile holds only the grids large enough to see
// (migrations/011), from it every grid.
export const TILED_MIN_ZOOM = { subdistricts: 0, communities: 10, grids: 12, buildings: 13 } as const;
