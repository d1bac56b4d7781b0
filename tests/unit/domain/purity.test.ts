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

	// The build leaves out of a page the domain modules it does not use, though the domain's index
	// names them (vite.config.ts, moduleSideEffects): that holds only while loading a module does
	// nothing but declare. A top-level call or assignment (a registry filled on load) breaks it.
	it.each(files)('%s only declares at its top level', (file) => {
		const source = readFileSync(dir + file, 'utf8');
		const statements = source
			.split('\n')
			.filter((line) => /^[A-Za-z_$]/.test(line))
			.filter(
				(line) =>
					!/^(export\s+)?(default\s+)?(declare\s+)?(abstract\s+)?(async\s+)?(import|const|let|function\*?|type|interface|class|enum)\b/.test(
						line
					) && !/^export\s*(\{|\*|type\s*\{)/.test(line)
			);
		expect(statements, file).toEqual([]);
	});
});
