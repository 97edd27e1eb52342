// Refusals of the worker's field routes (/m: reports, notes, photos, patrol), zh first, with the
// HTTP status their kind implies; http/api-errors.ts turns them into the one JSON error shape.
import { GridAtlasError } from '$geo/errors';

export type FieldErrorCode =
	| 'bad_body' // not the object the route takes
	| 'bad_id' // a client id that is not one
	| 'bad_subclass' // no such 小类
	| 'bad_location' // missing or impossible coordinates
	| 'bad_text' // text too long or not text
	| 'unknown_case' // no such case in the reader's jurisdiction
	| 'outside_jurisdiction' // a place outside the sender's grid(s)
	| 'not_an_image' // bytes that are no JPEG/PNG/WebP/HEIC
	| 'photo_too_large' // over the photo (or thumbnail) size limit
	| 'too_many_photos' // over 6 photos on one report or note
	| 'photo_conflict' // a photo id already used for another case
	| 'unknown_photo' // no such photo in the reader's jurisdiction
	| 'unknown_worker'; // a patrol asked for a worker outside the reader's jurisdiction

const STATUS: Record<FieldErrorCode, number> = {
	bad_body: 400,
	bad_id: 400,
	bad_subclass: 400,
	bad_location: 400,
	bad_text: 400,
	unknown_case: 404,
	outside_jurisdiction: 403,
	not_an_image: 415,
	photo_too_large: 413,
	too_many_photos: 409,
	photo_conflict: 409,
	unknown_photo: 404,
	unknown_worker: 404
};

export class FieldError extends GridAtlasError {
	constructor(
		readonly code: FieldErrorCode,
		readonly zh: string,
		readonly en: string
	) {
		super(`${zh} / ${en}`, { code, zh, en, status: STATUS[code] });
		this.name = 'FieldError';
	}
}

/** A client-generated id (reports, notes, photos, track points): letters, digits, '-' and '_'. */
export const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function clientId(value: unknown, field = 'id'): string {
	if (typeof value !== 'string' || !CLIENT_ID.test(value)) {
		throw new FieldError('bad_id', `${field} 应为 8–64 个字母、数字、- 或 _`, `${field} must be 8–64 letters, digits, - or _`);
	}
	return value;
}

export function optionalText(value: unknown, field: string, max: number): string | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string' || value.length > max || value.includes('\u0000')) {
		throw new FieldError('bad_text', `${field} 应为不超过 ${max} 个字符的文本`, `${field} must be text of at most ${max} characters`);
	}
	return value.trim() || null;
}

export function bodyObject(body: unknown): Record<string, unknown> {
	if (!body || typeof body !== 'object' || Array.isArray(body)) throw new FieldError('bad_body', '请求体应为一个对象', 'the body must be one object');
	return body as Record<string, unknown>;
}
