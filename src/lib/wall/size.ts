// A Svelte action reporting an element's content size and font size whenever it changes
// (ResizeObserver): the wall's charts redraw their SVG at the new size — native pixels, crisp — on
// any viewport or layout change, instead of being scaled.
import type { Action } from 'svelte/action';

export interface Size {
	width: number;
	height: number;
	/** The element's computed font size in px (the charts' text and spacing unit). */
	font: number;
}

export const measure: Action<HTMLElement, (size: Size) => void> = (node, report) => {
	let cb = report;
	const send = () => {
		const r = node.getBoundingClientRect();
		cb({ width: Math.floor(r.width), height: Math.floor(r.height), font: parseFloat(getComputedStyle(node).fontSize) || 16 });
	};
	const ro = new ResizeObserver(send);
	ro.observe(node);
	send();
	return {
		update(next) {
			cb = next;
			send();
		},
		destroy: () => ro.disconnect()
	};
};
