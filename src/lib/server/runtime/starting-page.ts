// A tiny self-refreshing page shown while the embedded database opens (never an error page): what
// the start-up is doing now (./startup-steps) and what it has done, with the time each step took.
import type { StartupStep } from './startup-steps';

export interface StartingProgress {
	now?: { label: string; detail?: string; ms: number };
	done: StartupStep[];
}

export function startingPage(status: 'starting' | 'ok' | 'error', error?: string, progress?: StartingProgress): string {
	const body =
		status === 'error'
			? `<h1>数据库启动失败</h1><p>Database failed to start.</p><pre>${escapeHtml(error ?? '')}</pre>`
			: `<h1>GridAtlas 网格图谱正在启动…</h1><p>Starting — the database is opening, this page refreshes by itself.</p>${progressHtml(progress)}`;
	const refresh = status === 'error' ? '' : '<meta http-equiv="refresh" content="1">';
	return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">${refresh}<title>GridAtlas</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;display:grid;place-items:center;height:100vh;margin:0;color:#234}</style>
</head><body><main data-testid="starting">${body}</main></body></html>`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function progressHtml(progress?: StartingProgress): string {
	if (!progress) return '';
	const done = progress.done.map((s) => `<li>${escapeHtml(s.label)} — ${seconds(s.ms)}</li>`).join('');
	const now = progress.now
		? `<li data-testid="starting-step"><b>${escapeHtml(progress.now.label)}</b> — ${seconds(progress.now.ms)}${
				progress.now.detail ? `<br><small>${escapeHtml(progress.now.detail)}</small>` : ''
			}</li>`
		: '';
	return `<ol>${done}${now}</ol>`;
}

export function escapeHtml(s: string): string {
	return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
