import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'dist/',
			'.svelte-kit/',
			'node_modules/',
			'data/',
			'coverage/',
			'bench/results/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node }
		},
		rules: {
			// TypeScript checks undefined names better than ESLint can (svelte-check and tsc run in CI).
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// The domain core is pure: no browser, no Node, no storage (DESIGN.md, layout).
		files: ['src/lib/domain/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['svelte', 'svelte/*', '$app/*'],
							message: 'The domain core imports no Svelte.'
						},
						{
							group: ['dexie', 'yjs', 'y-*'],
							message: 'The domain core imports no storage or CRDT.'
						},
						{ group: ['node:*'], message: 'The domain core runs in the browser too.' }
					]
				}
			],
			'no-restricted-globals': [
				'error',
				{ name: 'window', message: 'The domain core is pure.' },
				{ name: 'document', message: 'The domain core is pure.' },
				{ name: 'localStorage', message: 'The domain core is pure.' },
				{ name: 'indexedDB', message: 'The domain core is pure.' }
			],
			'no-restricted-properties': [
				'error',
				{ object: 'Date', property: 'now', message: 'Pass the clock in.' },
				{ object: 'Math', property: 'random', message: 'Pass the randomness in.' }
			]
		}
	},
	{
		// The records codec: one Y.Map ⇄ record mapping for the app and the server (DESIGN.md).
		files: ['src/lib/doc/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '^(?!yjs$|\\.\\./domain/|\\./)',
							message: 'The records codec imports only yjs and the domain.'
						}
					]
				}
			]
		}
	},
	{
		// The server shares with the app only the rules, the codec and the sync protocol.
		files: ['sync-server/**/*.ts', 'sync-server/**/*.mjs'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							// Any path into src/ or $lib but these three.
							regex:
								'(^|/)(src/|\\$lib/)(?!lib/domain/|lib/doc/|lib/sync/protocol\\.ts$|domain/|doc/|sync/protocol$)',
							message:
								'sync-server imports from the app only src/lib/domain, src/lib/doc and src/lib/sync/protocol.ts.'
						}
					]
				}
			]
		}
	}
);
