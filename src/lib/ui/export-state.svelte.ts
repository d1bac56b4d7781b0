import { download } from './download';
import { errorText } from './error-text';

/**
 * An export button's state: one export at a time, and why the last one failed (the server asked
 * to wait, the writer's code could not be fetched offline, a list too long for one file).
 */
export class ExportState {
	busy = $state(false);
	failure = $state<string>();
	readonly #save: (name: string, file: Blob) => void;

	/** `save` hands the file to the person (`download`; a test gives its own). */
	constructor(save: (name: string, file: Blob) => void = download) {
		this.#save = save;
	}

	/** Makes the file and hands it over; a second press while one is being made does nothing. */
	async run(make: () => Promise<{ name: string; file: Blob }> | { name: string; file: Blob }) {
		if (this.busy) return;
		this.busy = true;
		this.failure = undefined;
		try {
			const { name, file } = await make();
			this.#save(name, file);
		} catch (error) {
			this.failure = errorText(error);
		} finally {
			this.busy = false;
		}
	}
}
