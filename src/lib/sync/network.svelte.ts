/**
 * Whether the browser says there is a network: its online and offline events, followed from
 * `watch`. The app keeps one (the shell's), read by the header before anyone signs in and by the
 * workspace after, which also acts on the changes (it reconnects or pauses the sync).
 */
export class Network {
	online = $state(true);
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- listeners: no screen reads them
	readonly #listeners = new Set<(online: boolean) => void>();

	/** Follows the window's events until the returned function is called. */
	watch(win: Window): () => void {
		this.online = win.navigator.onLine;
		const change = (online: boolean) => () => {
			this.online = online;
			for (const listener of this.#listeners) listener(online);
		};
		const online = change(true);
		const offline = change(false);
		win.addEventListener('online', online);
		win.addEventListener('offline', offline);
		return () => {
			win.removeEventListener('online', online);
			win.removeEventListener('offline', offline);
		};
	}

	/** Calls `listener` on every change from now on, until the returned function is called. */
	subscribe(listener: (online: boolean) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}
}
