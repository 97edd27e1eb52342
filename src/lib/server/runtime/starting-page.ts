// A tiny self-refreshing page shown while the embedded database opens (never an error page).
export function startingPage(status: 'starting' | 'ok' | 'error', error?: string): string {
	const body =
		status === 'error'
			? `<h1>数据库启动失败</h1><p>Database failed to start.</p><pre>${escapeHtml(error ?? '')}</pre>`
			: `<h1>GridAtlas 网格图谱正在启动…</h1><p>Starting — the database is opening, this page refreshes by itself.</p>`;
	const refresh = status === 'error' ? '' : '<meta http-equiv="refresh" content="1">';
	return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">${refresh}<title>GridAtlas</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;display:grid;place-items:center;height:100vh;margin:0;color:#234}</style>
</head><body><main data-testid="starting">${body}</main></body></html>`;
}

export function escapeHtml(s: string): string {
	return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
