import type { Environment } from 'vitest/environments';

/**
 * Node, with modules transformed as for the browser: Svelte's runes state classes compiled for
 * the client, so that their effects run in a test (`$effect.root`): the `unit-state` project's
 * (`*.svelte.test.ts`).
 */
export default {
	name: 'client-node',
	viteEnvironment: 'client',
	setup() {
		return { teardown() {} };
	}
} satisfies Environment;
