/**
 * Renders the app icons (static/icons/*.png) from one SVG drawing with the machine's Chromium,
 * so the PNGs can be remade after a change of design: `npx tsx scripts/make-icons.ts`.
 * The maskable icon keeps its drawing inside the central 80% safe zone.
 */
import { chromium } from 'playwright-core';
import { writeFile } from 'node:fs/promises';

const theme = '#0b5345';

function drawing(size: number, maskable: boolean): string {
	const radius = maskable ? 0 : size * 0.18;
	const scale = maskable ? 0.72 : 0.9;
	const inner = size * scale;
	const offset = (size - inner) / 2;
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" rx="${radius}" fill="${theme}"/>
  <g transform="translate(${offset} ${offset}) scale(${inner / 100})">
    <path d="M18 52 L50 24 L82 52 L82 80 L18 80 Z" fill="none" stroke="#ffffff" stroke-width="6" stroke-linejoin="round"/>
    <path d="M36 60 L47 71 L66 50" fill="none" stroke="#f5c542" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/>
  </g>
</svg>`;
}

const targets = [
	{ file: 'static/icons/icon-192.png', size: 192, maskable: false },
	{ file: 'static/icons/icon-512.png', size: 512, maskable: false },
	{ file: 'static/icons/icon-maskable-512.png', size: 512, maskable: true },
	{ file: 'static/icons/apple-touch-icon.png', size: 180, maskable: true }
];

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking']
});
try {
	const page = await browser.newPage();
	for (const { file, size, maskable } of targets) {
		await page.setViewportSize({ width: size, height: size });
		await page.setContent(
			`<html><body style="margin:0;background:transparent">${drawing(size, maskable)}</body></html>`
		);
		const png = await page.locator('svg').screenshot({ omitBackground: true });
		await writeFile(file, png);
	}
	await writeFile('static/favicon.svg', drawing(64, false));
} finally {
	await browser.close();
}
