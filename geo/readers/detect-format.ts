// Which reader a file needs, decided from its bytes (geo/import/sniff.ts): people rename files, and
// the bytes do not lie. Kept here so the readers' own callers and tests keep their entry point.
import type { SourceFormat } from '../types';
import { resolveFormat } from '../import/sniff';

export { CSV_DELIMITERS, sniffDelimiter } from '../import/sniff';

/**
 * Detects the format of an uploaded file. Throws ImportFileError "empty-file" for blank files,
 * "format-mismatch" when the name claims another accepted format than the content, and
 * "unknown-format" (listing the accepted formats) for anything else it cannot read.
 */
export function detectFormat(fileName: string, bytes: Uint8Array): SourceFormat {
	return resolveFormat(fileName, bytes).format;
}
