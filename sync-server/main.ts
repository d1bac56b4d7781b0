/**
 * `npm start` / `npm run serve`: the one server process. Reads its settings, opens the data folder
 * (seeding the demo city into an empty one), serves the app, the API and the sync, and on SIGTERM
 * stops taking connections, closes the rooms and the database, then exits.
 */
import { HashGate, LoginThrottle, TokenSigner, loadTokenSecret } from './auth.ts';
import { authRoutes } from './auth-routes.ts';
import { createPublicPages } from './public-page.ts';
import { ConfigError, loadConfig, type ServerConfig } from './config.ts';
import {
	DataDirError,
	databasePath,
	journalPath,
	prepareDataDir,
	seedIfEmpty
} from './data-dir.ts';
import { createOrgSource } from './directory.ts';
import { DEMO_PASSWORD, demoCity } from './demo-city.ts';
import { createLogger, type Logger } from './log.ts';
import { historyRoutes, recordHistory } from './history.ts';
import { figureRoutes } from './figures-api.ts';
import { figureRooms, ReadModels } from './read-models.ts';
import { photoRoutes } from './photos.ts';
import { ratingsRoutes } from './ratings-api.ts';
import { startServer } from './server.ts';
import { migrateRecords } from './record-migrations.ts';
import { Storage } from './storage.ts';
import { createSyncService } from './sync.ts';

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
		if (user) write(`    ${username.padEnd(18)} ${user.role.padEnd(10)} ${user.scope}`);
	}
	write(
		`    … and <community>-1 for each of ${communities.length} communities, ` +
			`<town>-reviewer for each of ${towns.length} towns.`
	);
}

class StartupError extends Error {
	override name = 'StartupError';
}

async function run(config: ServerConfig, log: Logger): Promise<void> {
	const { openToOthers } = await prepareDataDir(config.dataDir);
	if (openToOthers) {
		log.warn('the data folder can be read by other users of this machine: chmod 700 it', {
			dataDir: config.dataDir
		});
	}
	const storage = new Storage(databasePath(config.dataDir), {
		journal: journalPath(config.dataDir),
		onFoldError: (error) =>
			log.error('folding the updates journal into the database failed', { error })
	});
	storage.workInBackground();
	// Before any room is opened: what older versions kept where it no longer counts moves.
	migrateRecords(storage, log, new Date());
	const seeded = await seedIfEmpty(storage, config.production, new Date(), config.dataDir);
	if (seeded === 'seeded') log.info('demo city seeded', { dataDir: config.dataDir });
	if (seeded === 'production') {
		log.info('empty database in production: create users with `npm run admin -- add-user`');
	}
	const hasDemoUsers = storage.activeDemoUsers() > 0;
	if (config.production && hasDemoUsers) {
		storage.close();
		throw new StartupError(
			'production mode refuses to start with demo users (password "demo"): ' +
				'disable them with `npm run admin -- disable-demo-users`, or use a new data folder'
		);
	}

	const signer = new TokenSigner(await loadTokenSecret(config.dataDir, config.tokenSecret));
	const auth = {
		storage,
		org: createOrgSource(storage),
		signer,
		throttle: { user: new LoginThrottle(), address: new LoginThrottle({ freeTries: 30 }) },
		hashing: new HashGate(),
		trustProxy: config.trustProxy,
		tokenTtlSeconds: config.tokenTtlSeconds,
		publicUrl: config.publicUrl,
		log,
		now: () => Date.now()
	};
	// The rooms' records kept decoded for the city's figures; a stored update marks its room stale.
	const models = new ReadModels(
		{ store: storage.rooms, loaded: (room) => sync.rooms.storedDoc(room) },
		log
	);
	const sync = createSyncService({
		storage,
		auth,
		onStored: (room) => models.changed(room),
		log,
		now: () => new Date(),
		roomIdleMs: config.roomIdleMs,
		connectionBytesPerMinute: config.connectionBytesPerMinute,
		userDailyBytes: config.userDailyBytes,
		sendBufferBytes: config.sendBufferBytes,
		userWorkMsPerSecond: config.userWorkMsPerSecond
	});
	const server = await startServer({
		config,
		log,
		routes: [
			...authRoutes(auth),
			...photoRoutes({ auth, dataDir: config.dataDir, maxBytes: config.photoMaxBytes }),
			...ratingsRoutes({ auth }),
			...historyRoutes({ auth, history: recordHistory(storage) }),
			...figureRoutes({ auth, models, now: () => new Date() })
		],
		pages: createPublicPages({
			readRoom: (name) => sync.rooms.read(name),
			org: auth.org,
			dataDir: config.dataDir,
			log,
			ratings: storage,
			now: () => new Date(),
			trustProxy: config.trustProxy,
			limit: config.publicLimit
		}),
		onUpgrade: (req, socket, head) => sync.handleUpgrade(req, socket, head),
		onClose: async () => {
			models.stop();
			await sync.close();
			storage.close();
		}
	});

	const say = (line: string) => process.stdout.write(`${line}\n`);
	say('');
	say(`  快办 Kuaiban is running: ${server.url}`);
	if (hasDemoUsers) printDemoLogins(say);
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
	// Last, once SIGTERM is handled: the line that tells scripts and tests the server is ready (a
	// stop sent the moment it appears must reach the handler, not the default that kills at once).
	log.info('listening', { url: server.url, port: server.port, dataDir: config.dataDir });
	// In the background: the first question after a start need not decode the whole city.
	void models.warm(figureRooms(auth.org()));
}

function main() {
	const log = createLogger();
	let config: ServerConfig;
	try {
		config = loadConfig(process.env);
	} catch (error) {
		process.stderr.write(`kuaiban: ${(error as Error).message}\n`);
		process.exit(1);
	}
	run(config, log).catch((error: unknown) => {
		if (
			error instanceof DataDirError ||
			error instanceof StartupError ||
			error instanceof ConfigError
		) {
			process.stderr.write(`kuaiban: ${error.message}\n`);
		} else {
			log.error('server failed', { error });
		}
		process.exit(1);
	});
}

main();
