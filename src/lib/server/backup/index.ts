// Backup and restore for both engines.
//
// Server engine (DATABASE_URL=postgres://…): `pg_dump --format=custom` from PATH, taken inside an
// exported REPEATABLE READ snapshot so the printed row counts are exactly what the file holds;
// restore is `pg_restore --clean --if-exists --no-owner --single-transaction`, so a failed restore
// leaves the database as it was.
//
// Embedded engine (PGlite): the data directory belongs to one process (datadir-lock.ts). A backup
// refuses while the app holds it, otherwise marks it as ours, opens PGlite on it, runs CHECKPOINT and
// takes PGlite's own `dumpDataDir()` tarball (.tar.gz of PGDATA) — a consistent copy, because
// nothing else can write meanwhile. A restore checks the archive (gzip, tar checksums, PGDATA files),
// loads it into a temporary directory beside the target, opens it to prove it starts, and only then
// renames it into place: a refused or failed restore writes nothing where the data lives.
export {
	type ArchiveKind,
	BackupError,
	type BackupErrorCode,
	type BackupOptions,
	type BackupResult,
	type BackupTarget,
	countKeyTables,
	defaultBackupName,
	formatBytes,
	formatCounts,
	KEY_TABLES,
	redactUrl,
	type RestoreOptions,
	type RestoreResult,
	targetPhotoDir
} from './common';
export { backup } from './write';
export { archiveKind, listTar, readEmbeddedArchive } from './archive';
export { restore } from './restore';
