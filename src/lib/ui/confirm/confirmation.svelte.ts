/**
 * A permanent step's confirmation (issue "working day", item 6): the screen asks, the person
 * reads what becomes permanent and answers "Confirm" or "Cancel". One per screen, shown by
 * `ConfirmDialog`; asking again while a question is open cancels the first.
 */
export interface ConfirmQuestion {
	/** The step, as its button names it ("Approve"). */
	readonly title: string;
	/** What cannot be undone afterwards, in a sentence. */
	readonly permanent: string;
}

export class Confirmation {
	question = $state<ConfirmQuestion>();
	#answer: ((ok: boolean) => void) | undefined;

	/** Resolves true when the person confirms, false when they cancel or close the dialog. */
	ask(question: ConfirmQuestion): Promise<boolean> {
		this.#answer?.(false);
		this.question = question;
		return new Promise((resolve) => (this.#answer = resolve));
	}

	answer(ok: boolean): void {
		const answer = this.#answer;
		this.#answer = undefined;
		this.question = undefined;
		answer?.(ok);
	}
}
