import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		alias: { $geo: 'geo' },
		// The service worker (src/service-worker.ts) serves the grid worker's page /m only: that page
		// registers it with scope /m; no other page is controlled by it.
		serviceWorker: { register: false },
		// Intranet deployments are reached over plain http by IP or any hostname, which adapter-node's
		// origin guess (https) would refuse; hooks.server.ts checks Origin against Host instead.
		csrf: { trustedOrigins: ['*'] },
		// Pages get a nonce for SvelteKit's own inline script; nothing else runs inline. MapLibre
		// and deck.gl start their workers from blob: URLs and read tiles and glyphs as blobs; Svelte
		// and MapLibre set inline styles. The frame-ancestors and the online basemaps' hosts are
		// added per deployment by src/lib/server/http/security-headers.ts.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				// WebAssembly (the case density hexagons) compiles under 'wasm-unsafe-eval'; eval stays off.
				'script-src': ['self', 'wasm-unsafe-eval'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self', 'data:', 'blob:'],
				'worker-src': ['self', 'blob:'],
				'child-src': ['self', 'blob:'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};
export default config;
