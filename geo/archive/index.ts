// Compressed uploads, opened without trusting them: every decompression goes through inflateCapped.
export { inflateCapped, concatBytes, type InflateCaps, type InflateFormat } from './inflate';
export { listZip, readZipEntries, type ZipEntry } from './zip';
export { archiveLimits, checkDeclaredRatio, DEFAULT_ARCHIVE_LIMITS, formatBytes, tooLargeProblem, type ArchiveLimits } from './limits';
export { storedZip, crc32 } from './stored-zip';
