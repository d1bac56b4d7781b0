import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// DESIGN.md ("Layout"): the domain imports nothing from Svelte, Dexie, Yjs or the browser, and
// takes time and randomness as arguments. ESLint says so too; this holds even where lint is not run.
const dir = fileURLToPath(new URL('../../../src/lib/domain/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('the domain core is pure', () => {
	it.each(files)('%s imports only sibling modules and reads no clock or randomness', (file) => {
		const source = readFileSync(dir + file, 'utf8');
		const imports = [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
		for (const target of imports) expect(target, file).toMatch(/^\.\/[a-z0-9-]+$/);
		expect(source).not.toMatch(
			/Date\.now|Math\.random|new Date\(\)|crypto\.|window\.|document\.|localStorage|indexedDB/
		);
	});
});
