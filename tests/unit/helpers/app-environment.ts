/**
 * `$app/environment` for the unit tests, which run without SvelteKit's build (vitest.config.ts):
 * a browser, not in development, and a version of its own.
 */
export const browser = true;
export const building = false;
export const dev = false;
export const version = 'unit-tests';
