import { describe, expect, it } from 'vitest';
import { GridAtlasError } from '$geo/errors';
import { apiErrorFrom, failFrom } from './api-errors';

class BilingualError extends GridAtlasError {
	constructor() {
		super('没有小类 / no subclass', { code: 'unknown_subclass', zh: '没有小类', en: 'no subclass', status: 404 });
	}
}

describe('failFrom (form actions)', () => {
	it("answers a GridAtlasError with its status and text; the reader's language when it has both apart", () => {
		const plain = new GridAtlasError('用户名已存在 / the username is taken', { code: 'username_taken' });
		expect(failFrom(plain, 'en')).toMatchObject({ status: 400, data: { message: '用户名已存在 / the username is taken' } });
		expect(failFrom(new BilingualError(), 'zh')).toMatchObject({ status: 404, data: { message: '没有小类' } });
		expect(failFrom(new BilingualError(), 'en')).toMatchObject({ status: 404, data: { message: 'no subclass' } });
	});

	it("adds the page's fields, made from the error when asked, and the page's own status where it differs", () => {
		const failed = failFrom(new BilingualError(), 'en', {
			status: 400,
			fields: (e) => ({ code: 'A01', errors: [{ field: 'id', zh: e.message, en: e.message }] })
		});
		expect(failed.status).toBe(400);
		expect(failed.data).toEqual({ message: 'no subclass', code: 'A01', errors: [{ field: 'id', zh: '没有小类 / no subclass', en: '没有小类 / no subclass' }] });
		expect(failFrom(new BilingualError(), 'zh', { status: (e) => e.status + 9, fields: { kept: null } })).toMatchObject({ status: 413, data: { kept: null } });
	});

	it('rethrows anything else, as apiErrorFrom does', () => {
		const bug = new TypeError('x is undefined');
		expect(() => failFrom(bug, 'zh')).toThrow(bug);
		expect(() => apiErrorFrom(bug)).toThrow(bug);
	});
});
