import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const lib = fileURLToPath(new URL('./src/lib', import.meta.url));
// SvelteKit's build facts, outside a SvelteKit build (the app's version names its decoded copies).
const appEnvironment = fileURLToPath(
	new URL('./tests/unit/helpers/app-environment.ts', import.meta.url)
);

export default defineConfig({
	// Shared by the projects below (`extends: true`).
	resolve: { alias: { $lib: lib, '$app/environment': appEnvironment } },
	test: {
		environment: 'node',
		projects: [
			{
				// Runes modules (`.svelte.ts`) are compiled by the Svelte plugin, as in the app.
				plugins: [svelte()],
				resolve: { conditions: ['browser'] },
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					exclude: ['tests/unit/**/*.svelte.test.ts']
				}
			},
			{
				// Runes state classes with their effects: compiled for the browser, run in Node.
				plugins: [svelte()],
				resolve: { conditions: ['browser'] },
				extends: true,
				test: {
					name: 'unit-state',
					include: ['tests/unit/**/*.svelte.test.ts'],
					environment: './tests/unit/helpers/client-environment.ts'
				}
			},
			{
				extends: true,
				test: {
					name: 'server',
					include: ['tests/server/**/*.test.ts'],
					globalSetup: ['tests/server/global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					globalSetup: ['tests/e2e/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000,
					fileParallelism: false
				}
			}
		]
	}
});
