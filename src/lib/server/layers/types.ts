// What every layer's upsert reports: rows inserted and rows updated (keyed by code or source id).
export interface UpsertCounts {
	inserted: number;
	updated: number;
}
