// The deck.gl layer of the case overlay's points view: a ScatterplotLayer over binary attributes
// (data = { length, attributes: { getPosition, getFillColor, getFilterValue } }) that, when its data
// names the changed rows (`data.__diff = [{startRow, endRow}]`, deck.gl's partial-update hook), writes
// only those rows into the GPU buffers it already has. deck.gl itself skips binary attributes whose
// descriptor objects did not change, so an append uploads one row instead of the whole layer; new
// descriptor objects (after the columns grew, or a re-filter) are uploaded whole as usual.
// deck.gl is loaded on first use.
import type { Layer } from '@deck.gl/core';

export type LayerClass = new (props: Record<string, unknown>) => Layer;

/** Attributes of the layer written row by row, with deck.gl's attribute names. */
const ROW_ATTRIBUTES = ['instancePositions', 'instanceFillColors', 'filterValues'];

type RowRanges = { startRow: number; endRow?: number }[];
interface AttributeLike {
	buffer: unknown;
	value: ArrayLike<number> | null;
	isConstant: boolean;
	size: number;
	getAccessor(): { size?: number };
	updateSubBuffer(opts: { startOffset?: number; endOffset?: number }): void;
}

let loaded: Promise<{ AppendingScatterplotLayer: LayerClass; DataFilterExtension: new (opts: { filterSize: number }) => unknown }> | null = null;

export function casePointsLayer() {
	loaded ??= Promise.all([import('@deck.gl/layers'), import('@deck.gl/extensions')]).then(([{ ScatterplotLayer }, { DataFilterExtension }]) => {
		class AppendingScatterplotLayer extends ScatterplotLayer {
			static layerName = 'AppendingScatterplotLayer';
			protected _postUpdate(params: { changeFlags: { dataChanged: unknown } }, forceUpdate: boolean) {
				super._postUpdate(params as never, forceUpdate);
				const ranges = params.changeFlags.dataChanged as RowRanges | string | false;
				if (!Array.isArray(ranges) || ranges.length === 0) return;
				const attributes = (this.getAttributeManager()?.attributes ?? {}) as unknown as Record<string, AttributeLike | undefined>;
				for (const name of ROW_ATTRIBUTES) {
					const a = attributes[name];
					if (!a || !a.buffer || !a.value || a.isConstant) continue;
					const size = a.getAccessor().size ?? a.size;
					for (const { startRow, endRow } of ranges) {
						const end = Math.min((endRow ?? startRow + 1) * size, a.value.length);
						if (startRow * size < end) a.updateSubBuffer({ startOffset: startRow * size, endOffset: end });
					}
				}
				this.setNeedsRedraw();
			}
		}
		return {
			AppendingScatterplotLayer: AppendingScatterplotLayer as unknown as LayerClass,
			DataFilterExtension: DataFilterExtension as unknown as new (opts: { filterSize: number }) => unknown
		};
	});
	return loaded;
}
