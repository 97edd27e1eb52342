// Why a heavy job did not give an answer. Each carries the HTTP status it means and a message in
// both languages saying what to do.
import { GridAtlasError } from '$geo/errors';
import type { BilingualText } from '$geo/issues';

export type JobKind = 'plan' | 'import' | 'coverage';

const WHAT: Record<JobKind, BilingualText> = {
	plan: { zh: '网格方案的计算', en: 'the grid plan computation' },
	import: { zh: '文件的读取与检查', en: 'reading and checking the file' },
	coverage: { zh: '覆盖率计算', en: 'the coverage computation' }
};

export class JobError extends GridAtlasError {
	constructor(
		readonly code: 'job_busy' | 'job_budget' | 'job_memory',
		readonly status: 503 | 422 | 413,
		readonly text: BilingualText,
		/** Seconds after which a retry may succeed (503). */
		readonly retryAfterS?: number
	) {
		super(`${text.zh} / ${text.en}`, { code, status, retryAfterS });
		this.name = 'JobError';
	}

	static busy(): JobError {
		return new JobError(
			'job_busy',
			503,
			{ zh: '服务器正忙于其他大型计算，请稍后重试', en: 'the server is busy with other large computations; try again shortly' },
			10
		);
	}

	static budget(kind: JobKind, budgetMs: number): JobError {
		const s = Math.round(budgetMs / 1000);
		return new JobError('job_budget', 422, {
			zh: `${WHAT[kind].zh}超过 ${s} 秒的时限，已停止：请减少顶点或要素数量（简化边界、拆分文件）后重试`,
			en: `${WHAT[kind].en} ran over its ${s} s limit and was stopped: simplify the boundaries or split the file, then try again`
		});
	}

	static memory(mb: number): JobError {
		return new JobError('job_memory', 413, {
			zh: `计算所需内存超过 ${mb} MB 的上限，已停止：请拆分文件或简化几何后重试`,
			en: `the computation needed more than its ${mb} MB of memory and was stopped: split the file or simplify the geometry`
		});
	}
}
