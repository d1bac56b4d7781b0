import type { LayoutLoad } from './$types';

// A single-page app: the server sends one shell (index.html) for every route and the browser
// renders the page, so that a deep link reloads from the service worker's cache with no network.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';

export const load = (() => ({})) satisfies LayoutLoad;
