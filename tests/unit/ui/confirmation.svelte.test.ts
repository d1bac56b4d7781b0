import { describe, expect, it } from 'vitest';
import { Confirmation } from '$lib/ui/confirm/confirmation.svelte';

describe('the confirmation of a permanent step', () => {
	it('goes on only when the person confirms', async () => {
		const confirmation = new Confirmation();
		const asked = confirmation.ask({ title: 'Approve', permanent: 'cannot be withdrawn' });
		expect(confirmation.question?.title).toBe('Approve');
		confirmation.answer(true);
		expect(await asked).toBe(true);
		expect(confirmation.question).toBeUndefined();
	});

	it('treats a second question as cancelling the first, never as its answer', async () => {
		const confirmation = new Confirmation();
		const first = confirmation.ask({ title: 'Approve', permanent: '…' });
		const second = confirmation.ask({ title: 'Close', permanent: '…' });
		expect(await first).toBe(false);
		expect(confirmation.question?.title).toBe('Close');
		confirmation.answer(false);
		expect(await second).toBe(false);
		// An answer with no question open does nothing.
		confirmation.answer(true);
		expect(confirmation.question).toBeUndefined();
	});
});
