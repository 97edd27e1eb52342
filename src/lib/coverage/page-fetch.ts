// Small helpers of the coverage page: a JSON request whose refusal becomes an Error with the server's
// message, and waiting until a panel's change of size has reached the map.
import { tick } from 'svelte';

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
	const res = await fetch(url, init);
	const body = await res.json();
	if (!res.ok) throw new Error(body?.message ?? `${res.status}`);
	return body as T;
}

/**
 * The panel above the map grows and shrinks with what it shows, and the map with it: fit only once
 * the map has its new size (two frames: layout, then the map's resize observer).
 */
export async function settled() {
	await tick();
	await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}
