import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		runes: true
	},
	kit: {
		// A single-page app: every route is rendered in the browser from the precached shell,
		// so that a deep link reloads with no network (see docs/architecture.md).
		adapter: adapter({
			fallback: 'index.html',
			pages: 'build',
			assets: 'build',
			strict: true,
			// .br and .gz beside each text file, which the server sends to browsers that accept them.
			precompress: true
		}),
		serviceWorker: { register: false },
		version: { pollInterval: 0 }
	}
};

export default config;
