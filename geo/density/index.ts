// geo/density — the pure analysis core of the live case overlay (browser and server; no I/O):
// binary case columns, time-window selection, H3 counts with k-suppression, per-grid rates,
// Poisson spike tests and dashboard KPIs.
export * from './columns';
export * from './hex';
export * from './rates';
export * from './poisson';
export * from './spikes';
export * from './kpis';
export * from './time';
