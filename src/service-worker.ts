/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The grid worker's page (/m) as an installable app that opens without a network: the app shell
// (the built JS and CSS, the manifest and icons) is cached at install, and /m itself (with its data:
// the own grids and the taxonomy) is kept from the last visit and served when the network is gone.
// Registered by /m only, with scope /m: no other page is controlled. Everything else — the API, the
// case stream, tiles — goes to the network untouched (the phone's outbox queues what fails).
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `gridatlas-m-${version}`;
const SHELL = [...build, ...files.filter((f) => f === '/m.webmanifest' || f.startsWith('/icons/'))];
const SHELL_SET = new Set(SHELL);
const PAGES = new Set(['/m', '/m/__data.json']);

sw.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(CACHE)
			.then((cache) => cache.addAll(SHELL))
			.then(() => sw.skipWaiting())
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((keys) => Promise.all(keys.filter((k) => k.startsWith('gridatlas-m-') && k !== CACHE).map((k) => caches.delete(k))))
			.then(() => sw.clients.claim())
	);
});

sw.addEventListener('fetch', (event) => {
	const req = event.request;
	if (req.method !== 'GET') return;
	const url = new URL(req.url);
	if (url.origin !== sw.location.origin) return;
	if (SHELL_SET.has(url.pathname)) {
		event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(req)));
		return;
	}
	if (PAGES.has(url.pathname)) {
		// Network first (fresh grids and taxonomy, and the sign-in still checked); the last copy offline.
		event.respondWith(
			fetch(req)
				.then(async (res) => {
					if (res.ok && !res.redirected) {
						const cache = await caches.open(CACHE);
						await cache.put(url.pathname, res.clone());
					}
					return res;
				})
				.catch(async () => (await caches.match(url.pathname)) ?? Response.error())
		);
	}
});
