export { detectFormat, sniffDelimiter } from './detect-format';
export { readGeoJSON } from './geojson';
export { readShapefileZip, guessDbfEncoding } from './shapefile';
export { readCsv, readTable, LONGITUDE_COLUMNS, LATITUDE_COLUMNS, type CsvReadOptions, type CsvReadResult } from './csv';
export { decodeText, isBlank } from './text';
