// How far an upload's compressed parts may inflate. One home for the numbers and for the words
// that refuse an archive, so the Shapefile zip, the OSM PBF and the backup say it the same way.
import { FileProblem, type BilingualText } from '../issues';
import type { ArchiveLimits } from '../types';

/** What is refused: a file name (the same in both languages) or words for it. */
export type Named = string | BilingualText;
export const named = (what: Named): BilingualText => (typeof what === 'string' ? { zh: what, en: what } : what);

export type { ArchiveLimits };

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * The limits for uploads of at most `maxUploadBytes` (the import's size limit). 10 × that covers
 * real Shapefiles (the .shp inflates 1.5–3 ×, a .dbf 10–70 ×, 200–400 × when wide text fields are
 * mostly blank, but those are small), and 1 GiB is all one import can parse anyway. 500:1 lets those wide-field .dbf files through and
 * still stops runs of zeros or spaces (~1030:1, deflate's best), the stuff zip bombs are made of.
 * A Shapefile zip holds 3–8 files; 1,000 entries is a folder zipped whole, not a layer.
 */
export function archiveLimits(maxUploadBytes?: number): ArchiveLimits {
	return {
		maxTotalBytes: maxUploadBytes === undefined ? GiB : Math.min(GiB, 10 * maxUploadBytes),
		maxRatio: 500,
		ratioFloorBytes: 8 * MiB,
		maxEntries: 1000
	};
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = archiveLimits();

/** 1536 → "1.5 KB", as people read sizes (binary units, the way file managers count). */
export function formatBytes(n: number): string {
	if (n < 1024) return `${n} B`;
	const units = ['KB', 'MB', 'GB', 'TB'];
	let v = n / 1024;
	let i = 0;
	while (v >= 1024 && i < units.length - 1) {
		v /= 1024;
		i++;
	}
	return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const ratioText = (ratio: number) => `${Math.round(ratio)}:1`;

/** An entry that inflates far better than real data does: runs of zeros, the stuff of zip bombs. */
export function ratioProblem(what: Named, ratio: number, limit: number): FileProblem {
	const { zh, en } = named(what);
	return new FileProblem('zip-bomb', {
		zh: `${zh} 的压缩比超过 ${ratioText(ratio)}（上限 ${ratioText(limit)}），疑似“压缩炸弹”，已拒绝`,
		en: `${en} inflates more than ${ratioText(ratio)} (the limit is ${ratioText(limit)}): it looks like a zip bomb and was refused`
	});
}

/** A declared size against the ratio limit: a bomb that tells the truth is refused before anything is inflated. */
export function checkDeclaredRatio(what: Named, declared: number, compressed: number, limits: ArchiveLimits): void {
	if (declared > limits.ratioFloorBytes && declared > limits.maxRatio * compressed)
		throw ratioProblem(what, declared / Math.max(1, compressed), limits.maxRatio);
}

/** An entry that inflates past the size its own header declares: a lie only bombs tell. */
export function overDeclaredProblem(what: Named, declared: number): FileProblem {
	const { zh, en } = named(what);
	return new FileProblem('zip-bomb', {
		zh: `${zh} 解压后超过其声明的大小 ${formatBytes(declared)}，疑似“压缩炸弹”，已拒绝`,
		en: `${en} inflates past the ${formatBytes(declared)} its header declares: it looks like a zip bomb and was refused`
	});
}

/** More uncompressed data than one import may hold (`found` is what was declared or inflated so far). */
export function tooLargeProblem(what: Named, found: number, limit: number): FileProblem {
	const { zh, en } = named(what);
	return new FileProblem('archive-too-large', {
		zh: `${zh} 解压后超过 ${formatBytes(limit)} 的上限（至少 ${formatBytes(found)}），请拆分后分别上传`,
		en: `${en} inflates to more than the ${formatBytes(limit)} limit (at least ${formatBytes(found)}); split it and upload the parts`
	});
}

/** A zip with more entries than a layer ever has. */
export function entryCountProblem(count: number, limit: number): FileProblem {
	return new FileProblem('archive-too-large', {
		zh: `压缩包里有 ${count} 个文件，超过 ${limit} 个的上限；请只压缩要导入的图层`,
		en: `the zip holds ${count} entries, over the limit of ${limit}; zip only the layer to import`
	});
}

/** Entries sharing compressed bytes: the trick that lets a small zip hold many full-size bombs. */
export function overlapProblem(first: string, second: string): FileProblem {
	return new FileProblem('zip-bomb', {
		zh: `压缩包中的 ${first} 与 ${second} 共用同一段压缩数据，这是“压缩炸弹”的手法，已拒绝`,
		en: `${first} and ${second} share the same compressed bytes in the zip, a zip-bomb trick; refused`
	});
}
