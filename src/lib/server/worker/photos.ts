// Photos of a report or a note: bytes sniffed (JPEG/PNG/WebP/HEIC only, whatever the client says),
// size-limited, stored as files under the photo directory (<GRIDATLAS_DATA_DIR>/photos unless
// GRIDATLAS_PHOTO_DIR names another, on either engine) beside a thumbnail the phone made, and read
// back only through the case's jurisdiction. Stored by the phone's id: sent twice, stored once.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../db';
import type { Principal } from '../../auth/capabilities';
import { caseScopeSql, type Scope } from '../auth/scope';
import { clientId, FieldError, optionalText } from './errors';
import { caseInScope } from './notes';
import { PHOTO_EXT, sniffImage, type PhotoMime } from './sniff';
import { MAX_PHOTOS, MAX_THUMB_BYTES, maxPhotoBytes } from './limits';
import { haversineMeters } from '$geo/measure';
import { writeFileAtomically } from '../runtime/files';
import type { CasePhoto } from '../../cases/types';

const MB = 1024 * 1024;
export { MAX_PHOTOS, MAX_THUMB_BYTES, maxPhotoBytes };

/** Where photo files live: GRIDATLAS_PHOTO_DIR, else <GRIDATLAS_DATA_DIR>/photos (./data/photos). */
export function photoDir(): string {
	return path.resolve(process.env.GRIDATLAS_PHOTO_DIR || path.join(process.env.GRIDATLAS_DATA_DIR ?? './data', 'photos'));
}

export interface PhotoAnswer {
	id: string;
	created: boolean;
	mime: PhotoMime;
	bytes: number;
}

async function fileBytes(value: FormDataEntryValue | null, name: string, max: number): Promise<Uint8Array | null> {
	if (value === null || value === '') return null;
	if (typeof value === 'string') throw new FieldError('bad_body', `${name} 应为文件`, `${name} must be a file`);
	if (value.size > max) {
		throw new FieldError(
			'photo_too_large',
			`${name} 过大（${(value.size / MB).toFixed(1)} MB，上限 ${(max / MB).toFixed(1)} MB）`,
			`${name} is too large (${(value.size / MB).toFixed(1)} MB; the limit is ${(max / MB).toFixed(1)} MB)`
		);
	}
	return new Uint8Array(await value.arrayBuffer());
}

// photos are the residents' own: not readable by other OS users
const PHOTO_FILE_MODES = { fileMode: 0o640, dirMode: 0o750 };

const number = (v: FormDataEntryValue | null, min: number, max: number) => {
	if (typeof v !== 'string' || v === '') return null;
	const n = Number(v);
	return Number.isFinite(n) && n >= min && n <= max ? n : null;
};

/** Stores one photo of case `sourceId` from a multipart form: id, photo, thumb?, note?, taken_at?, exif_lon?, exif_lat?. */
export async function savePhoto(q: Queryable, principal: Principal, sourceId: string, form: FormData): Promise<PhotoAnswer> {
	const id = clientId(form.get('id'));
	const note = form.get('note') ? clientId(form.get('note'), 'note') : null;
	const caseId = await caseInScope(q, principal, sourceId);
	const [existing] = await q.query<{ case_id: number; mime: PhotoMime; bytes: number }>('SELECT case_id, mime, bytes FROM case_photos WHERE id = $1', [id]);
	if (existing) {
		if (Number(existing.case_id) !== caseId)
			throw new FieldError('photo_conflict', `照片编号“${id}”已属于另一案件`, `photo id "${id}" already belongs to another case`);
		return { id, created: false, mime: existing.mime, bytes: existing.bytes };
	}
	const photo = await fileBytes(form.get('photo'), 'photo', maxPhotoBytes());
	if (!photo) throw new FieldError('bad_body', '缺少照片文件（photo）', 'the photo file (photo) is missing');
	const mime = sniffImage(photo);
	if (!mime) throw new FieldError('not_an_image', '照片须为 JPEG、PNG、WebP 或 HEIC 图像', 'a photo must be a JPEG, PNG, WebP or HEIC image');
	const thumb = await fileBytes(form.get('thumb'), 'thumb', MAX_THUMB_BYTES);
	const thumbMime = thumb ? sniffImage(thumb) : null;
	if (thumb && (!thumbMime || thumbMime === 'image/heic'))
		throw new FieldError('not_an_image', '缩略图须为 JPEG、PNG 或 WebP 图像', 'a thumbnail must be a JPEG, PNG or WebP image');
	const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM case_photos WHERE case_id = $1 AND note_client_id IS NOT DISTINCT FROM $2', [
		caseId,
		note
	]);
	if (Number(n) >= MAX_PHOTOS)
		throw new FieldError('too_many_photos', `每次上报或备注最多 ${MAX_PHOTOS} 张照片`, `at most ${MAX_PHOTOS} photos per report or note`);
	const takenText = optionalText(form.get('taken_at'), 'taken_at', 40);
	const takenAt = takenText && Number.isFinite(Date.parse(takenText)) ? new Date(takenText).toISOString() : null;
	// Each upload writes files of its own (a random part in the name): when two uploads of one id race,
	// the row that wins names its own bytes, and the other's files are removed below.
	const base = `${new Date().toISOString().slice(0, 7).replace('-', '/')}/${id}-${crypto.randomBytes(4).toString('hex')}`;
	const rel = `${base}.${PHOTO_EXT[mime]}`;
	const files = [path.join(photoDir(), rel), ...(thumb ? [path.join(photoDir(), `${base}.thumb.${PHOTO_EXT[thumbMime!]}`)] : [])];
	writeFileAtomically(files[0], photo, PHOTO_FILE_MODES);
	if (thumb) writeFileAtomically(files[1], thumb, PHOTO_FILE_MODES);
	const sha = crypto.createHash('sha256').update(photo).digest('hex');
	let stored = false;
	try {
		const rows = await q.query(
			`INSERT INTO case_photos (id, case_id, note_client_id, mime, bytes, thumb_bytes, sha256, file, actor, taken_at, exif_lon, exif_lat)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING RETURNING id`,
			[
				id,
				caseId,
				note,
				mime,
				photo.byteLength,
				thumb?.byteLength ?? 0,
				sha,
				rel,
				`${principal.kind}:${principal.name}`,
				takenAt,
				number(form.get('exif_lon'), -180, 180),
				number(form.get('exif_lat'), -90, 90)
			]
		);
		stored = rows.length > 0;
		return { id, created: stored, mime, bytes: photo.byteLength };
	} finally {
		// Not stored (a failed statement, or a same-id upload that won): its files go.
		if (!stored) for (const f of files) fs.rmSync(f, { force: true });
	}
}

export interface PhotoFile {
	bytes: Uint8Array;
	mime: PhotoMime;
	sha256: string;
}

/** A photo (or its thumbnail, else the photo) of a case inside `scope`; FieldError unknown_photo otherwise. */
export async function readPhoto(q: Queryable, scope: Scope, id: string, thumb: boolean): Promise<PhotoFile> {
	const unknown = () => new FieldError('unknown_photo', `照片“${id}”不存在`, `no photo "${id}"`);
	if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) throw unknown();
	const params: unknown[] = [id];
	const [row] = await q.query<{ file: string; mime: PhotoMime; sha256: string; thumb_bytes: number }>(
		`SELECT p.file, p.mime, p.sha256, p.thumb_bytes FROM case_photos p JOIN cases c ON c.id = p.case_id
		 WHERE p.id = $1${caseScopeSql(scope, params, 'c.')}`,
		params
	);
	if (!row) throw unknown();
	const dir = photoDir();
	if (thumb && row.thumb_bytes > 0) {
		const base = row.file.replace(/\.[a-z]+$/, '');
		for (const ext of ['jpg', 'webp', 'png']) {
			const file = path.join(dir, `${base}.thumb.${ext}`);
			if (fs.existsSync(file)) {
				const bytes = new Uint8Array(fs.readFileSync(file));
				return { bytes, mime: sniffImage(bytes) ?? 'image/jpeg', sha256: `${row.sha256}-t` };
			}
		}
	}
	const file = path.join(dir, row.file);
	if (!file.startsWith(dir + path.sep) || !fs.existsSync(file)) throw unknown();
	return { bytes: new Uint8Array(fs.readFileSync(file)), mime: row.mime, sha256: row.sha256 };
}

/**
 * The photos of a case the caller has already found inside the reader's jurisdiction (its external id),
 * oldest first; `at`: the case's position, for each photo's offset.
 */
export async function casePhotos(q: Queryable, sourceId: string, at: { lon: number; lat: number }): Promise<CasePhoto[]> {
	const rows = await q.query<{
		id: string;
		at: Date | string;
		actor: string;
		taken_at: Date | string | null;
		exif_lon: number | null;
		exif_lat: number | null;
	}>(
		'SELECT id, at, actor, taken_at, exif_lon, exif_lat FROM case_photos WHERE case_id = (SELECT id FROM cases WHERE source_id = $1) ORDER BY at, id LIMIT 60',
		[sourceId]
	);
	return rows.map((r) => {
		const exif = r.exif_lon !== null && r.exif_lat !== null ? { lon: Number(r.exif_lon), lat: Number(r.exif_lat) } : null;
		return {
			id: r.id,
			at: new Date(r.at).toISOString(),
			actor: r.actor,
			takenAt: r.taken_at ? new Date(r.taken_at).toISOString() : null,
			exif,
			offsetM: exif ? Math.round(haversineMeters([at.lon, at.lat], [exif.lon, exif.lat])) : null
		};
	});
}
