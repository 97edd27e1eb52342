// Shared contract between the pure geospatial core (geo/) and the server writers (src/lib/server).
// geo/ turns bytes into validated, WGS-84 LayerRecords; the server writes them in one transaction.
import { GridAtlasError } from './errors';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import type { ImportCrs } from './crs/epsg-codes';

export type { ImportCrs };

export type { Feature, FeatureCollection, Geometry, Position };

/** Bounds on what one archive (a zip, a gzip, an OSM PBF's blocks) may inflate to (values: archive/limits.ts). */
export interface ArchiveLimits {
	/** Uncompressed bytes one archive may inflate to, all the entries read from it together. */
	maxTotalBytes: number;
	/** Uncompressed ÷ compressed bytes of one entry, checked once the entry passes ratioFloorBytes. */
	maxRatio: number;
	/** Below this an entry may compress as well as it likes: it cannot hurt, and tiny files compress oddly. */
	ratioFloorBytes: number;
	/** Entries in a zip's central directory. */
	maxEntries: number;
}

export const LAYERS = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'landcover', 'cases', 'registers'] as const;
export type LayerName = (typeof LAYERS)[number];

export { CRS_NAMES, type CrsName } from './crs/names';

export type SourceFormat = 'geojson' | 'shapefile-zip' | 'csv' | 'xlsx' | 'osm-xml' | 'osm-pbf';

/** One feature that could not be taken, or was taken after a repair. */
export interface FeatureIssue {
	/** 0-based position of the feature (or CSV data row) in the file. */
	index: number;
	/** The feature's own id when it has one (OSM "way/123", a code, a GeoJSON id). */
	id?: string;
	/** Stable machine key of the rule, e.g. "geometry-type", "lat-lon-swapped". */
	rule: string;
	/** A sentence a planner understands: what is wrong and what to do. */
	message: string;
}

/** A whole file refused before any feature is looked at. */
export class ImportFileError extends GridAtlasError {
	constructor(
		public readonly file: string,
		public readonly rule: string,
		message: string
	) {
		super(`${file}: ${message}`, { code: 'bad_file', details: { rule } });
		this.name = 'ImportFileError';
	}
}

/** Common fields of every record handed to the writer. Geometry is WGS-84 (SRID 4326). */
export interface RecordBase {
	index: number;
	/** Stable identity for idempotent re-import: a code, an OSM id, a file id, or a content hash. */
	sourceId: string;
	geometry: Geometry | null;
	/** Set when geo/ fixed the geometry (closed a ring) or the writer must run ST_MakeValid on it. */
	repair?: 'closed-ring' | 'make-valid';
}

export interface SubdistrictRecord extends RecordBase {
	code: string; // 9 digits
	name: string;
	districtCode?: string;
	districtName?: string;
}

export interface CommunityRecord extends RecordBase {
	code: string; // 12 digits; first 9 = subdistrict code
	name: string;
	subdistrictCode: string;
	subdistrictName?: string;
	households?: number;
	householdsEstimated?: boolean;
	population?: number;
	populationEstimated?: boolean;
	serviceSpaceM2?: number;
}

export interface GridRecord extends RecordBase {
	/** 15 digits when given; otherwise the writer numbers it inside its community. */
	code?: string;
	name?: string;
	kind: 'basic' | 'dedicated';
}

export interface BuildingRecord extends RecordBase {
	name?: string;
	levels?: number;
	heightM?: number;
	footprintM2: number;
	households: number;
	householdsEstimated: boolean;
	/** The footprint estimate, kept beside a count the file (or later a register) gives. */
	householdsEstimate: number;
	/** How floors were found: given levels, height/3 m, or the default. */
	levelsSource: 'levels' | 'height' | 'default';
}

export interface FacilityRecord extends RecordBase {
	category: string;
	name?: string;
	areaM2?: number;
	tags?: Record<string, string>;
	/** What capacity rules need, when the file or OSM gives it (keys: docs/import.md). */
	attributes?: FacilityAttributes;
}

/** Facility attributes kept in facilities.attributes (jsonb), each only when present. */
export interface FacilityAttributes {
	/** Seats, or places of a nursery/kindergarten (座位/托位; OSM capacity). */
	seats?: number;
	/** Beds (床位; OSM beds). */
	beds?: number;
	/** Gross floor area in m² (建筑面积). */
	floor_area_m2?: number;
	/** Opening hours as given (开放时间; OSM opening_hours syntax or free text). */
	opening_hours?: string;
}

/**
 * One row of a household / population register (实有房屋 / 实有人口 summary): official counts for a
 * building (by its id) or a community (by its code). No geometry.
 */
export interface RegisterRecord extends RecordBase {
	buildingId?: string;
	communityCode?: string;
	households?: number;
	population?: number;
}

export interface RoadRecord extends RecordBase {
	highway: string;
	name?: string;
	walkable: boolean;
}

/** Basemap land cover (water, green space, land use); the kinds and OSM rules are in geo/osm/landcover.ts. */
export type LandcoverKind = 'water' | 'park' | 'green' | 'residential' | 'commercial' | 'education' | 'health';

export interface LandcoverRecord extends RecordBase {
	kind: LandcoverKind;
	name?: string;
}

export interface CaseRecord extends RecordBase {
	category: string;
	status: string;
	source?: string;
	reportedAt?: string; // ISO 8601
	description?: string;
}

export interface LayerRecordMap {
	subdistricts: SubdistrictRecord;
	communities: CommunityRecord;
	grids: GridRecord;
	buildings: BuildingRecord;
	facilities: FacilityRecord;
	roads: RoadRecord;
	landcover: LandcoverRecord;
	cases: CaseRecord;
	registers: RegisterRecord;
}

/** What geo/ hands to the server for one file and one layer. */
export interface ParsedLayer<L extends LayerName = LayerName> {
	layer: L;
	format: SourceFormat;
	/** Features (or rows) found in the file, before any rejection. */
	read: number;
	records: LayerRecordMap[L][];
	rejected: FeatureIssue[];
	repaired: FeatureIssue[];
	/** Excel: the sheet read and its header row (from 1), chosen or detected. */
	sheet?: { name: string; headerRow: number };
}

/** Options geo/ needs to turn a file into records. */
export interface ParseOptions {
	layer: LayerName;
	/** A named system or an accepted EPSG code (geo/crs/epsg-codes.ts). */
	crs: ImportCrs;
	/** Used in error messages. */
	fileName: string;
	/** OSM tag → facility category mapping (editable, from the database). */
	tagMapping?: TagMapping[];
	/** CSV column names. */
	csv?: { lon?: string; lat?: string; delimiter?: string };
	/** Excel workbooks: the sheet (name, or number from 1) and header row (from 1); detected when absent. */
	sheet?: SheetOptions;
	households?: HouseholdEstimateOptions;
	/** Accept division codes of province 99, which only `gridatlas synth` writes. */
	syntheticCodes?: boolean;
	/** How far compressed uploads (Shapefile zips, PBF blobs) may inflate; default archiveLimits(). */
	archiveLimits?: ArchiveLimits;
}

export interface SheetOptions {
	name?: string;
	headerRow?: number;
}

export interface TagMapping {
	key: string;
	/** '*' matches any value. */
	value: string;
	category: string;
}

export interface HouseholdEstimateOptions {
	/** m² of floor area per dwelling, default 90. */
	dwellingSizeM2: number;
	/** floors assumed when neither levels nor height is known, default 6. */
	defaultLevels: number;
	/** metres per storey when deriving floors from height, default 3. */
	storeyHeightM: number;
}

export const DEFAULT_HOUSEHOLD_OPTIONS: HouseholdEstimateOptions = {
	dwellingSizeM2: 90,
	defaultLevels: 6,
	storeyHeightM: 3
};
