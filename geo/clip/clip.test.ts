import { describe, expect, it } from 'vitest';
import { clipSegmentRange } from './index';

describe('clipSegmentRange', () => {
	it('keeps a segment inside the box whole', () => {
		expect(clipSegmentRange(1, 1, 2, 2, 0, 0, 10, 10)).toEqual([0, 1]);
	});
	it('cuts a crossing segment where it enters and leaves', () => {
		expect(clipSegmentRange(-5, 5, 15, 5, 0, 0, 10, 10)).toEqual([0.25, 0.75]);
	});
	it('misses a segment outside, including one parallel to an edge', () => {
		expect(clipSegmentRange(-5, -1, 15, -1, 0, 0, 10, 10)).toBeNull();
		expect(clipSegmentRange(11, 0, 20, 10, 0, 0, 10, 10)).toBeNull();
	});
});
