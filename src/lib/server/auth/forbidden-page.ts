// The page a signed-in person sees for a page they may not open: why, who they are, a way on.
import type { Principal } from '../../auth/capabilities';
import { escapeHtml } from '../runtime/starting-page';

export function forbiddenPage(message: string, principal: Principal | null): string {
	const who = principal ? `${escapeHtml(principal.displayName)}（${escapeHtml(principal.role ?? principal.kind)}）` : '';
	return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>无权访问 / Forbidden · GridAtlas</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;display:grid;place-items:center;height:100vh;margin:0;color:#234;background:#f5f6f8}
main{max-width:36rem;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}a{color:#1f5fbf}</style>
</head><body><main data-testid="forbidden"><h1>无权访问 / Forbidden</h1><p>${escapeHtml(message)}</p>
${who ? `<p>当前账户 / signed in as: ${who}</p>` : ''}
<p><a href="/">返回地图 / back to the map</a> · <a href="/login">切换账户 / sign in as someone else</a></p></main></body></html>`;
}
