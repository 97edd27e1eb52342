// The topics the data versions count (./versions.ts): one number each, moved by any committed write
// to the topic's tables.
export const TOPICS = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'landcover', 'rules', 'cases', 'accounts'] as const;
export type Topic = (typeof TOPICS)[number];
export type Versions = Readonly<Record<Topic, number>>;
