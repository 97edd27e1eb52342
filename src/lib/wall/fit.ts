// A Svelte action for the wall's lists: shows only the children that fit inside the element (the
// rest are hidden, not clipped half-way), re-checked when the element is resized or the list
// changes. Nothing scrolls on a wall; a half-visible row reads as a glitch.
import type { Action } from 'svelte/action';

export const fitChildren: Action<HTMLElement, unknown> = (node) => {
	let frame = 0;
	const check = () => {
		cancelAnimationFrame(frame);
		frame = requestAnimationFrame(() => {
			const kids = [...node.children] as HTMLElement[];
			for (const k of kids) k.style.visibility = '';
			const box = node.getBoundingClientRect();
			let hidden = false;
			for (const k of kids) {
				const r = k.getBoundingClientRect();
				if (hidden || r.bottom > box.bottom + 0.5 || r.right > box.right + 0.5) {
					hidden = true;
					k.style.visibility = 'hidden';
				}
			}
			node.dataset.shown = String(kids.filter((k) => k.style.visibility !== 'hidden').length);
		});
	};
	const ro = new ResizeObserver(check);
	ro.observe(node);
	const mo = new MutationObserver(check);
	mo.observe(node, { childList: true, subtree: true, characterData: true });
	check();
	return {
		update: check,
		destroy() {
			cancelAnimationFrame(frame);
			ro.disconnect();
			mo.disconnect();
		}
	};
};
