import { i18n } from '$lib/i18n/i18n.svelte';
import type { LayoutLoad } from './$types';

// A single-page app: the server sends one shell (index.html) for every route and the browser
// renders the page, so that a deep link reloads from the service worker's cache with no network.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';

// The language's words before the first render (English is loaded only when chosen). The
// address is read untracked: a navigation does not choose the language again.
export const load = (async ({ url, untrack }) => {
	await i18n.init(
		untrack(() => new URL(url)),
		globalThis.localStorage
	);
	return {};
}) satisfies LayoutLoad;
