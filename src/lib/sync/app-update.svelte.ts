import { Workbox } from 'workbox-window';

/**
 * The service worker's life as the user sees it. A new version waits until the person chooses to
 * reload: switching under them could lose what they are typing on a form (issue: PWA shell).
 */
export type AppUpdatePhase =
	| 'unsupported' // no service worker (old browser, dev server, insecure origin)
	| 'registering'
	| 'ready' // this version is cached: the app opens with no network
	| 'update-waiting' // a newer version is installed and waits for the person's go
	| 'failed';

/** How often an open app asks the server for a new version (when online). */
const updateCheckMs = 60 * 60 * 1000;

export class AppUpdate {
	phase = $state<AppUpdatePhase>('registering');
	dismissed = $state(false);
	#workbox: Workbox | undefined;
	#timer: ReturnType<typeof setInterval> | undefined;

	get updateWaiting(): boolean {
		return this.phase === 'update-waiting' && !this.dismissed;
	}

	async register(scriptUrl: string): Promise<void> {
		if (!('serviceWorker' in navigator)) {
			this.phase = 'unsupported';
			return;
		}
		const workbox = new Workbox(scriptUrl, { scope: '/' });
		this.#workbox = workbox;
		workbox.addEventListener('waiting', () => {
			this.dismissed = false;
			this.phase = 'update-waiting';
		});
		workbox.addEventListener('activated', (event) => {
			if (!event.isUpdate && this.phase !== 'update-waiting') this.phase = 'ready';
		});
		try {
			await workbox.register();
			if (this.phase === 'registering' && navigator.serviceWorker.controller) this.phase = 'ready';
		} catch (error) {
			console.warn('service worker registration failed', error);
			this.phase = 'failed';
			return;
		}
		this.#timer = setInterval(() => {
			if (navigator.onLine) void workbox.update().catch(() => undefined);
		}, updateCheckMs);
	}

	/** Only on the person's click: the waiting worker takes over, then the page reloads once. */
	reload(): void {
		const workbox = this.#workbox;
		if (!workbox) return;
		workbox.addEventListener('controlling', () => window.location.reload());
		workbox.messageSkipWaiting();
	}

	dismiss(): void {
		this.dismissed = true;
	}

	stop(): void {
		if (this.#timer) clearInterval(this.#timer);
	}
}
