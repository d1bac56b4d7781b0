import { describe, expect, it } from 'vitest';
import { i18n } from '$lib/i18n/i18n.svelte';
import { AskError } from '$lib/sync/server-answers';
import { ExportState } from '$lib/ui/export-state.svelte';

/**
 * The export buttons of the lists and the monthly report: one export at a time, the file handed
 * over once made, and the reason said when it could not be (the server asked to wait, the
 * writer's code could not be fetched offline).
 */
describe("an export button's state", () => {
	it('hands the file over once made, and one export at a time', async () => {
		const saved: string[] = [];
		const exporting = new ExportState((name) => saved.push(name));
		let finish!: () => void;
		const first = exporting.run(async () => {
			await new Promise<void>((done) => (finish = done));
			return { name: 'a.csv', file: new Blob(['a']) };
		});
		expect(exporting.busy).toBe(true);
		// A second press while the first is being made does nothing.
		await exporting.run(() => ({ name: 'b.csv', file: new Blob(['b']) }));
		finish();
		await first;
		expect(saved).toEqual(['a.csv']);
		expect([exporting.busy, exporting.failure]).toEqual([false, undefined]);
	});

	it('says why a file could not be made, and clears that at the next try', async () => {
		await i18n.set('en');
		try {
			const saved: string[] = [];
			const exporting = new ExportState((name) => saved.push(name));
			await exporting.run(() => Promise.reject(new AskError('busy', 8)));
			expect(exporting.failure).toBe('Too many exports in a row: try again in 8 s.');
			await exporting.run(() =>
				Promise.reject(new TypeError('Failed to fetch dynamically imported module'))
			);
			expect(exporting.failure).toBe(
				'The app did not load completely: connect to the network and open it again. Nothing stored here was changed.'
			);
			expect([saved, exporting.busy]).toEqual([[], false]);
			await exporting.run(() => ({ name: 'c.xlsx', file: new Blob(['c']) }));
			expect([saved, exporting.failure]).toEqual([['c.xlsx'], undefined]);
		} finally {
			await i18n.set('zh-CN');
		}
	});
});
