/**
 * `npm start` / `npm run serve`: the one server process. Reads its settings, prepares the data
 * folder (seeding the demo city on an empty one), serves, and stops cleanly on SIGTERM.
 */
import { ConfigError, loadConfig } from './config.ts';
import { DataDirError, hasDemoCity, prepareDataDir, seedIfEmpty } from './data-dir.ts';
import { DEMO_PASSWORD, demoCity } from './demo-city.ts';
import { createLogger } from './log.ts';
import { startServer } from './server.ts';

const forceExitMs = 10_000;

function printDemoLogins(write: (line: string) => void) {
	const { users, communities, towns } = demoCity();
	const named = [
		'tanglian-1',
		'tanglian-2',
		'daxin-1',
		'jingkai-reviewer',
		'yangshe-reviewer',
		'city-supervisor',
		'city-finance',
		'admin'
	];
	write(`  Demo logins (password "${DEMO_PASSWORD}" for all):`);
	for (const username of named) {
		const user = users.find((u) => u.username === username);
		if (!user) continue;
		const scope = user.scope.id ? `${user.scope.kind} ${user.scope.id}` : user.scope.kind;
		write(`    ${username.padEnd(18)} ${user.role.padEnd(10)} ${scope}`);
	}
	write(
		`    … and <community>-1 for each of ${communities.length} communities, ` +
			`<town>-reviewer for each of ${towns.length} towns.`
	);
}

async function main(): Promise<void> {
	const log = createLogger();
	let config;
	try {
		config = loadConfig(process.env);
		await prepareDataDir(config.dataDir);
	} catch (error) {
		if (error instanceof ConfigError || error instanceof DataDirError) {
			process.stderr.write(`kuaiban: ${error.message}\n`);
			process.exit(1);
		}
		throw error;
	}

	const seeded = await seedIfEmpty(config.dataDir, config.production);
	if (seeded === 'seeded') log.info('demo city seeded', { dataDir: config.dataDir });
	if (seeded === 'production') {
		log.info('empty data folder in production: no demo data; create users with the admin command');
	}

	const server = await startServer({ config, log });
	log.info('listening', { url: server.url, port: server.port, dataDir: config.dataDir });

	const say = (line: string) => process.stdout.write(`${line}\n`);
	say('');
	say(`  快办 Kuaiban is running: ${server.url}`);
	if (!config.production && (await hasDemoCity(config.dataDir))) printDemoLogins(say);
	say('');

	let stopping = false;
	const stop = (signal: NodeJS.Signals) => {
		if (stopping) {
			log.warn('second signal: exiting at once', { signal });
			process.exit(1);
		}
		stopping = true;
		log.info('stopping', { signal });
		setTimeout(() => {
			log.error('stop took too long: exiting');
			process.exit(1);
		}, forceExitMs).unref();
		server.close().then(
			() => {
				log.info('stopped');
				process.exit(0);
			},
			(error: unknown) => {
				log.error('stop failed', { error });
				process.exit(1);
			}
		);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
	createLogger().error('server failed', { error });
	process.exit(1);
});
