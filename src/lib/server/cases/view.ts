// How a case reads in lists, the live stream and the wall: its columns (from `cases c`) and its shape.

export interface CaseView {
	id: string;
	category: string;
	status: string;
	escalation_level: string | null;
	source: string | null;
	description: string | null;
	reported_at: string;
	due_at: string | null;
	updated_at: string;
	lon: number;
	lat: number;
	subdistrict_code: string | null;
	community_code: string | null;
	grid_code: string | null;
	outside_jurisdiction: boolean;
}

export const CASE_VIEW_COLUMNS = `c.source_id AS id, c.category, c.status, c.escalation_level, c.source, c.description,
	c.reported_at, c.due_at, c.updated_at, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, c.subdistrict_code,
	c.community_code, c.grid_code, c.outside_jurisdiction`;
