import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: Playwright's own download cannot reach this network. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a quiet headless browser on a closed network: without the background-networking ones
 * Chromium keeps dialling Google's hosts and the machine refuses them.
 */
export const chromiumArgs = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run'
];

/**
 * The e2e tests never skip silently: a missing Chromium is installed when we may (root, as in CI),
 * otherwise the run stops and says how to get it.
 */
export function ensureChromium(): void {
	if (existsSync(chromiumPath)) return;
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot || process.env.CHROMIUM_PATH) {
		throw new Error(
			`Chromium not found at ${chromiumPath}. The end-to-end tests need it: ` +
				'run `sudo apt-get install -y chromium fonts-noto-cjk` (Debian/Ubuntu), ' +
				'or set CHROMIUM_PATH to a Chromium binary.'
		);
	}
	console.log('[e2e] Chromium is missing: installing Debian packages chromium and fonts-noto-cjk…');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
	execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], {
		stdio: 'inherit',
		env
	});
	if (!existsSync(chromiumPath))
		throw new Error(`apt-get ran but ${chromiumPath} is still missing`);
}

/**
 * A headless browser with a fresh profile of its own (Playwright makes a new temporary user-data
 * folder for each launch); tablets are modelled as separate contexts of it.
 */
export function launchChromium(): Promise<Browser> {
	return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}
