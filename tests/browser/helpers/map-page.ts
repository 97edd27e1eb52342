// Driving the map page: open it and wait until its data is drawn, read the canvas, click places.
import type { Page } from 'playwright-core';
import { decodePng, type Image } from './png';

/** Waits for the map to have drawn its data and stopped moving (after a load, fit or fly). */
export async function waitForMap(page: Page, timeout = 60_000): Promise<void> {
	await page.waitForSelector('[data-testid="map"][data-map-ready="true"]', { timeout });
	await page.waitForFunction(
		() => {
			const m = (window as any).gridatlasMap;
			return m && m.loaded() && !m.isMoving() && m.areTilesLoaded();
		},
		null,
		{ timeout }
	);
	// Label placement fades in after the last idle.
	await page.waitForTimeout(400);
}

export async function openMap(page: Page, url: string): Promise<void> {
	await page.goto(url);
	await waitForMap(page);
}

/** The map canvas as pixels (the map keeps its drawing buffer for this). */
export async function canvasImage(page: Page): Promise<{ png: Buffer; img: Image }> {
	const dataUrl: string = await page.evaluate(() => (window as any).gridatlasMap.getCanvas().toDataURL('image/png'));
	const png = Buffer.from(dataUrl.split(',')[1], 'base64');
	return { png, img: decodePng(png) };
}

/** Page coordinates of a display-CRS [lon, lat]. */
export async function screenPoint(page: Page, lonLat: [number, number]): Promise<{ x: number; y: number }> {
	return page.evaluate(([lon, lat]) => {
		const m = (window as any).gridatlasMap;
		const p = m.project([lon, lat]);
		const r = m.getContainer().getBoundingClientRect();
		return { x: r.left + p.x, y: r.top + p.y };
	}, lonLat);
}

/** Rendered features of these MapLibre layers at a page point. */
export async function featuresAt(page: Page, point: { x: number; y: number }, layers: string[]): Promise<any[]> {
	return page.evaluate(
		({ point, layers }) => {
			const m = (window as any).gridatlasMap;
			const r = m.getContainer().getBoundingClientRect();
			const present = layers.filter((l: string) => m.getLayer(l));
			return m.queryRenderedFeatures([point.x - r.left, point.y - r.top], { layers: present }).map((f: any) => ({
				layer: f.layer.id,
				properties: f.properties
			}));
		},
		{ point, layers }
	);
}

/** The panel's unit code once it has settled on `code`. */
export async function waitForPanel(page: Page, code: string): Promise<void> {
	await page.waitForSelector(`[data-testid="unit-panel"][data-code="${code}"][aria-busy="false"]`, { timeout: 20_000 });
}
