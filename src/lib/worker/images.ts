// Photos are downscaled on the phone before they are queued: a JPEG of at most 1600 px on its long
// side (a 12 MP photo of 4–6 MB becomes ≈ 0.3 MB) and a 320 px thumbnail for lists, both drawn on a
// canvas. The EXIF time and position of the original are read first (the canvas drops them). A
// photo the browser cannot decode (HEIC outside Safari) is kept as it is, without a thumbnail.
import { readExif, type PhotoEvidence } from './exif';

export const MAX_SIDE = 1600;
export const THUMB_SIDE = 320;

export interface PreparedPhoto extends PhotoEvidence {
	photo: Blob;
	thumb: Blob | null;
	/** An object URL of the thumbnail (or photo) for the form's preview. */
	preview: string;
}

/** The size that fits `max` on the long side, never enlarged. */
export function fitSize(width: number, height: number, max: number): { width: number; height: number } {
	const scale = Math.min(1, max / Math.max(width, height));
	return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

async function draw(bitmap: ImageBitmap, max: number, quality: number): Promise<Blob> {
	const { width, height } = fitSize(bitmap.width, bitmap.height, max);
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = height;
	const ctx = canvas.getContext('2d')!;
	ctx.drawImage(bitmap, 0, 0, width, height);
	return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', quality));
}

export async function preparePhoto(file: File): Promise<PreparedPhoto> {
	const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
	const evidence = readExif(head);
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	} catch {
		return { ...evidence, photo: file, thumb: null, preview: URL.createObjectURL(file) };
	}
	try {
		const photo = await draw(bitmap, MAX_SIDE, 0.82);
		const thumb = await draw(bitmap, THUMB_SIDE, 0.7);
		return { ...evidence, photo, thumb, preview: URL.createObjectURL(thumb) };
	} finally {
		bitmap.close();
	}
}
