// One import = one file, one layer, one transaction. geo/ parses, converts and checks the file;
// this module adds the checks only the database can make (validity via ST_MakeValid, containment in
// communities, known categories and subdistricts) and writes everything or nothing.
export { DEFAULT_MAX_IMPORT_BYTES, ImportLimitError, ImportRejectedError, type ImportRequest, type ImportSummary, maxImportBytes } from './request';
export { importFile } from './import-file';
