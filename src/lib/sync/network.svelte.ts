/** Whether the device believes it has a network. The sync layer refines this with the server's answer. */
export class NetworkStatus {
	online = $state(true);

	/** Starts following the browser's online/offline events; returns the function that stops it. */
	watch(target: Window): () => void {
		this.online = target.navigator.onLine;
		const update = () => (this.online = target.navigator.onLine);
		target.addEventListener('online', update);
		target.addEventListener('offline', update);
		return () => {
			target.removeEventListener('online', update);
			target.removeEventListener('offline', update);
		};
	}
}
