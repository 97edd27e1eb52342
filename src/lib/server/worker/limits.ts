// Size limits of the worker's uploads (read by the body bounds of hooks.server.ts and by photos.ts).
const MB = 1024 * 1024;
export const MAX_PHOTOS = 6;
export const MAX_THUMB_BYTES = 512 * 1024;

/** Largest photo accepted (GRIDATLAS_MAX_PHOTO_MB, default 8): the phone sends ≈ 0.2–0.6 MB. */
export function maxPhotoBytes(): number {
	const n = Number(process.env.GRIDATLAS_MAX_PHOTO_MB);
	return Number.isFinite(n) && n > 0 ? n * MB : 8 * MB;
}
