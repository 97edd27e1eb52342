// Pages of a PDF Chromium printed: the /Count of its root page tree (the largest /Count of any
// /Pages node; intermediate nodes count only their own subtree). Chromium writes these dictionaries
// uncompressed, so no PDF library is needed.
export function pdfPageCount(pdf: Uint8Array): number {
	const text = Buffer.from(pdf).toString('latin1');
	const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count (\d+)|\/Count (\d+)[^>]*?\/Type\s*\/Pages\b/g)].map((m) => Number(m[1] ?? m[2]));
	if (counts.length === 0) throw new Error('pdfPageCount: no page tree found');
	return Math.max(...counts);
}
