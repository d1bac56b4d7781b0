import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	domainMessage,
	ExportTooLarge,
	MoneyParseError,
	TransitionRefusedError
} from '$lib/domain';
import { InvalidRecordError } from '$lib/doc/records';
import { i18n, t } from '$lib/i18n/i18n.svelte';
import { StorageFullError } from '$lib/store/db';
import { AskError } from '$lib/sync/server-answers';
import { errorText } from '$lib/ui/error-text';

/** The one place a screen turns a failure into words. */
describe('what a screen says of a failure', () => {
	afterEach(() => i18n.set('zh-CN'));

	it("gives the rules' reasons, the domain's message in the language shown, the fields at fault", async () => {
		const refused = new TransitionRefusedError('approve', [
			domainMessage('a', {}, '超过上限', 'over the cap'),
			domainMessage('b', {}, '缺少照片', 'no photo')
		]);
		expect(errorText(refused)).toBe('超过上限; 缺少照片');
		await i18n.set('en');
		expect(errorText(refused)).toBe('over the cap; no photo');
		const money = new MoneyParseError('12.345', 'too-many-decimals');
		expect(errorText(money)).toBe(money.message);
		expect(errorText(new InvalidRecordError('suggestion', ['title: required']))).toBe(
			'title: required'
		);
	});

	it('says what to do when the device is full or the server cannot be asked', async () => {
		await i18n.set('en');
		expect(errorText(new StorageFullError(new Error('quota')))).toBe(t('storage.full'));
		expect(errorText(new AskError('offline'))).toBe(t('figures.offlineNone'));
		expect(errorText(new AskError('failed'))).toBe(t('figures.failed'));
		expect(errorText(new AskError('busy', 8))).toBe('Too many exports in a row: try again in 8 s.');
		// An export larger than one file holds is refused with the count, not cut short.
		expect(errorText(new ExportTooLarge(25_000))).toMatch(
			/^25000 rows are more than one export holds \(20000\)/
		);
	});

	it("shows an app's own fault as it is, and logs it", () => {
		const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const fault = new TypeError('x is undefined');
		expect(errorText(fault)).toBe('TypeError: x is undefined');
		expect(log).toHaveBeenCalledWith(fault);
		log.mockRestore();
	});
});
