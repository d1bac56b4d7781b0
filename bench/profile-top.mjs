// `node bench/profile-top.mjs <file.cpuprofile> [n]`: the functions with the most self time.
import { readFile } from 'node:fs/promises';

const [file, n = '25'] = process.argv.slice(2);
const profile = JSON.parse(await readFile(file, 'utf8'));
const interval = (profile.endTime - profile.startTime) / profile.samples.length / 1000;
const self = new Map();
let total = 0;
for (const node of profile.nodes) {
	const { functionName, url, lineNumber } = node.callFrame;
	const where = url
		? `${url.split('/node_modules/').pop().split('/').slice(-2).join('/')}:${lineNumber + 1}`
		: '';
	const key = `${functionName || '(anonymous)'} ${where}`.trim();
	self.set(key, (self.get(key) ?? 0) + node.hitCount);
	total += node.hitCount;
}
const idle = self.get('(idle)') ?? 0;
console.log(`| self ms | share of busy | function |`);
console.log(`| ---: | ---: | --- |`);
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) {
	if (key === '(idle)') continue;
	console.log(
		`| ${(hits * interval).toFixed(0)} | ${((100 * hits) / (total - idle)).toFixed(1)} % | \`${key}\` |`
	);
}
