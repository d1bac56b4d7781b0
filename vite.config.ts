import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';

// The theme colour is used by the manifest and the app's CSS (src/app.css keeps the same value).
const themeColor = '#0b5345';

export default defineConfig({
	// The photo worker is a module worker (`type: 'module'`) that loads exifr on demand.
	worker: { format: 'es' },
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			// The app registers the worker itself (src/lib/sync/sw-update.svelte.ts, workbox-window)
			// and asks before it switches to a new version: a silent reload could lose typing.
			registerType: 'prompt',
			injectRegister: false,
			strategies: 'generateSW',
			manifestFilename: 'manifest.webmanifest',
			manifest: {
				id: '/',
				name: '快办 · 民生微实事 (Kuaiban micro-projects)',
				short_name: '快办',
				description: '民生微实事：建议、议事会、项目、审核与监督 — livelihood micro-projects',
				lang: 'zh-CN',
				dir: 'ltr',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				orientation: 'any',
				background_color: '#ffffff',
				theme_color: themeColor,
				categories: ['government', 'productivity'],
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
					{
						src: '/icons/icon-maskable-512.png',
						sizes: '512x512',
						type: 'image/png',
						purpose: 'maskable'
					}
				]
			},
			workbox: {
				// Every route chunk, style, image and font is precached: a chunk that failed to
				// load offline would break its route until the next reload.
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,jpg,woff,woff2,webmanifest,json}'],
				// The public project pages (/p/…) are the server's, for residents without the app.
				navigateFallbackDenylist: [/^\/api\//, /^\/sync\//, /^\/p\//],
				clientsClaim: true,
				cleanupOutdatedCaches: true,
				maximumFileSizeToCacheInBytes: 5 * 1024 * 1024
			},
			kit: {
				adapterFallback: 'index.html',
				spa: true,
				includeVersionFile: true
			}
		})
	],
	resolve: {
		// Two copies of yjs in one bundle break sync (DESIGN.md, known pitfalls).
		dedupe: ['yjs']
	},
	build: {
		target: 'es2022',
		rolldownOptions: {
			// The domain is pure (tests/unit/domain/purity.test.ts): a module of it that a page does
			// not use is left out of that page's files, though the domain's index names it.
			// Anything else is as its package says (undefined: the default).
			treeshake: {
				moduleSideEffects: (id: string) => (id.includes('/src/lib/domain/') ? false : undefined)
			}
		}
	}
});
