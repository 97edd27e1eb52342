import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		alias: { $geo: 'geo' },
		// Intranet deployments are reached over plain http by IP or any hostname, which adapter-node's
		// origin guess (https) would refuse; hooks.server.ts checks Origin against Host instead.
		csrf: { trustedOrigins: ['*'] }
	}
};
export default config;
