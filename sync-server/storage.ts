import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Role, Scope } from '../src/lib/domain/access.ts';
import {
	backgroundSql,
	SqliteRoomStore,
	statementCache,
	type BackgroundReply,
	type SqliteRoomStoreOptions
} from './room-store.ts';

/**
 * Everything the server keeps, in one SQLite file (WAL): the city's structure, users, ratings and,
 * behind the RoomStore interface (`rooms`, see room-store.ts), the rooms' documents. Every Yjs
 * update is appended with its room, author and time before anyone else sees it, and is never
 * deleted: the log is the programme's audit trail.
 */

export interface TownRow {
	id: string;
	name: string;
}

export interface CommunityRow {
	id: string;
	name: string;
	townId: string;
}

export interface UserRow {
	id: string;
	username: string;
	name: string;
	role: Role;
	scope: Scope;
	passwordHash: string;
	disabled: boolean;
	/** Seeded by the demo: password "demo", refused in production. */
	demo: boolean;
	createdAt: string;
	/** Tokens of another version are refused (a password change, disabling, `revoke-tokens`). */
	tokenVersion: number;
}

/** A resident's rating as it may leave the server: no device, no address. */
export interface RatingRow {
	/** `<community>/<project>`, as the public page keys it. */
	project: string;
	score: number;
	comment: string;
	at: string;
}

export type NewUser = Omit<UserRow, 'disabled' | 'demo' | 'tokenVersion'> & { demo?: boolean };

/** Each step of the schema, in order; `user_version` says how many a database has had. */
export const migrations: readonly string[] = [
	`CREATE TABLE towns (id TEXT PRIMARY KEY, name TEXT NOT NULL);
	 CREATE TABLE communities (
	   id TEXT PRIMARY KEY, name TEXT NOT NULL, town_id TEXT NOT NULL REFERENCES towns(id));
	 CREATE TABLE users (
	   id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL,
	   scope TEXT NOT NULL, password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
	   demo INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
	 CREATE TABLE updates (
	   id INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL, data BLOB NOT NULL,
	   author TEXT NOT NULL, at TEXT NOT NULL);
	 CREATE INDEX updates_room ON updates (room, id);
	 CREATE TABLE snapshots (
	   room TEXT PRIMARY KEY, data BLOB NOT NULL, up_to INTEGER NOT NULL, at TEXT NOT NULL);`,
	// Residents' ratings, kept apart from the rooms: one per device per project; the address is
	// kept only as a hash, to limit how many one address may post.
	`CREATE TABLE ratings (
	   project TEXT NOT NULL, device TEXT NOT NULL, address TEXT NOT NULL, score INTEGER NOT NULL,
	   comment TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (project, device));
	 CREATE INDEX ratings_address ON ratings (address, at);`,
	// Tokens name the version of their account's tokens; bumping it ends every one issued before.
	`ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;`,
	// The log without AUTOINCREMENT: its counter was one more page written by every commit, the
	// hot path of the sync. Ids still only grow, since no update is ever deleted.
	`CREATE TABLE updates_next (
	   id INTEGER PRIMARY KEY, room TEXT NOT NULL, data BLOB NOT NULL, author TEXT NOT NULL,
	   at TEXT NOT NULL);
	 INSERT INTO updates_next (id, room, data, author, at) SELECT id, room, data, author, at FROM updates;
	 DROP TABLE updates;
	 ALTER TABLE updates_next RENAME TO updates;
	 CREATE INDEX updates_room ON updates (room, id);`,
	// The migrations of the rooms' records (record-migrations.ts): which ran, when, what they found.
	`CREATE TABLE data_migrations (
	   name TEXT PRIMARY KEY, at TEXT NOT NULL, report TEXT NOT NULL);`
];

interface UserRecord {
	id: string;
	username: string;
	name: string;
	role: string;
	scope: string;
	password_hash: string;
	disabled: number;
	demo: number;
	created_at: string;
	token_version: number;
}

function toUser(row: UserRecord): UserRow {
	return {
		id: row.id,
		username: row.username,
		name: row.name,
		role: row.role as Role,
		scope: row.scope,
		passwordHash: row.password_hash,
		disabled: row.disabled !== 0,
		demo: row.demo !== 0,
		createdAt: row.created_at,
		tokenVersion: row.token_version
	};
}

export class Storage {
	readonly db: Database.Database;

	/** The rooms' documents: what the sync code sees of storage. */
	readonly rooms: SqliteRoomStore;
	readonly #sql: (text: string) => Database.Statement;

	/** `rooms`: the updates journal and its folding (only the server opens the journal). */
	constructor(path: string, rooms: SqliteRoomStoreOptions = {}) {
		this.db = new Database(path);
		this.db.pragma('journal_mode = WAL');
		// NORMAL with WAL survives a crash of the process (what "stored before relayed" needs);
		// only a power loss may drop the last transactions.
		this.db.pragma('synchronous = NORMAL');
		this.db.pragma('foreign_keys = ON');
		this.db.pragma('busy_timeout = 5000');
		this.#migrate();
		this.#sql = statementCache(this.db);
		this.rooms = new SqliteRoomStore(this.db, rooms);
	}

	#migrate() {
		const version = this.db.pragma('user_version', { simple: true }) as number;
		for (let i = version; i < migrations.length; i++) {
			this.db.transaction(() => {
				this.db.exec(migrations[i] ?? '');
				this.db.pragma(`user_version = ${i + 1}`);
			})();
		}
	}

	#worker: Worker | undefined;

	/**
	 * Starts the storage worker (storage-worker.mjs): WAL checkpoints, and the folding of the
	 * updates journal with the snapshots after it, leave the main thread. The server turns it on;
	 * a Storage opened elsewhere (the admin command, tests) checkpoints and folds by itself. Should
	 * the worker die, the rooms fold on the main thread again; what waited is folded from memory.
	 */
	workInBackground(checkpointMs = 2000): Worker {
		const worker = new Worker(new URL('./storage-worker.mjs', import.meta.url), {
			workerData: { path: this.db.name, checkpointMs, ...backgroundSql },
			// Not the server's own flags: a script given with -e would be run again in the worker.
			execArgv: []
		});
		worker.unref();
		this.#worker = worker;
		this.db.pragma('wal_autocheckpoint = 0');
		const reply = this.rooms.writeInBackground({
			send: (task, transfer) => worker.postMessage(task, transfer)
		});
		worker.on('message', (message: BackgroundReply | { type: 'checkpoint-failed' }) => {
			if (message.type !== 'checkpoint-failed') reply(message);
		});
		const gone = (why: unknown) => {
			if (this.#worker !== worker) return;
			this.#worker = undefined;
			this.rooms.stopWritingInBackground(why);
			if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
		};
		worker.on('error', gone);
		worker.on('exit', (code) => gone(`it exited with code ${code}`));
		return worker;
	}

	close(): void {
		const worker = this.#worker;
		this.#worker = undefined;
		if (this.db.open) {
			// Leave a tidy file: the journal folded (here: what the worker was folding is overtaken),
			// everything in the database proper, the WAL emptied.
			this.rooms.close();
			worker?.postMessage('stop');
			this.db.pragma('wal_checkpoint(TRUNCATE)');
			this.db.close();
		} else {
			worker?.postMessage('stop');
			try {
				this.rooms.close(); // the journal's file; what waits in it stays for the next start
			} catch {
				// the database is gone: nothing to fold into
			}
		}
	}

	/** Changes whenever another connection (the admin command) commits to the database. */
	dataVersion(): number {
		return this.db.pragma('data_version', { simple: true }) as number;
	}

	isEmpty(): boolean {
		const row = this.#sql(
			'SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM towns) AS n'
		).get() as {
			n: number;
		};
		return row.n === 0;
	}

	// ---- the city's structure

	upsertTown(town: TownRow): void {
		this.#sql(
			'INSERT INTO towns (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name'
		).run(town.id, town.name);
	}

	upsertCommunity(community: CommunityRow): void {
		this.#sql(
			`INSERT INTO communities (id, name, town_id) VALUES (?, ?, ?)
				 ON CONFLICT (id) DO UPDATE SET name = excluded.name, town_id = excluded.town_id`
		).run(community.id, community.name, community.townId);
	}

	/** Towns and communities added or renamed together, in one transaction: all or nothing. */
	upsertOrg(towns: readonly TownRow[], communities: readonly CommunityRow[]): void {
		this.db.transaction(() => {
			for (const town of towns) this.upsertTown(town);
			for (const community of communities) this.upsertCommunity(community);
		})();
	}

	towns(): TownRow[] {
		return this.#sql('SELECT id, name FROM towns ORDER BY id').all() as TownRow[];
	}

	communities(): CommunityRow[] {
		return this.#sql(
			'SELECT id, name, town_id AS townId FROM communities ORDER BY id'
		).all() as CommunityRow[];
	}

	// ---- users

	addUser(user: NewUser): void {
		this.#sql(
			`INSERT INTO users (id, username, name, role, scope, password_hash, demo, created_at)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
		).run(
			user.id,
			user.username,
			user.name,
			user.role,
			user.scope,
			user.passwordHash,
			user.demo ? 1 : 0,
			user.createdAt
		);
	}

	/** Adds many users in one transaction (the demo seed). */
	addUsers(users: readonly NewUser[]): void {
		this.db.transaction(() => {
			for (const user of users) this.addUser(user);
		})();
	}

	activeDemoUsers(): number {
		return (
			this.#sql('SELECT count(*) AS n FROM users WHERE demo = 1 AND disabled = 0').get() as {
				n: number;
			}
		).n;
	}

	findUserByUsername(username: string): UserRow | undefined {
		const row = this.#sql('SELECT * FROM users WHERE username = ?').get(username) as
			UserRecord | undefined;
		return row ? toUser(row) : undefined;
	}

	findUserById(id: string): UserRow | undefined {
		const row = this.#sql('SELECT * FROM users WHERE id = ?').get(id) as UserRecord | undefined;
		return row ? toUser(row) : undefined;
	}

	listUsers(): UserRow[] {
		return (this.#sql('SELECT * FROM users ORDER BY username').all() as UserRecord[]).map(toUser);
	}

	/** Disabling also ends the user's tokens: enabling again does not bring them back. */
	setUserDisabled(username: string, disabled: boolean): boolean {
		return (
			this.#sql(
				`UPDATE users SET disabled = @disabled, token_version = token_version + @disabled
				 WHERE username = @username`
			).run({ disabled: disabled ? 1 : 0, username }).changes === 1
		);
	}

	/** A new password ends every token issued before it. */
	setPasswordHash(username: string, passwordHash: string): boolean {
		return (
			this.#sql(
				'UPDATE users SET password_hash = ?, token_version = token_version + 1 WHERE username = ?'
			).run(passwordHash, username).changes === 1
		);
	}

	/** Ends every token of this user (a lost tablet); the password stays. */
	revokeTokens(username: string): boolean {
		return (
			this.#sql('UPDATE users SET token_version = token_version + 1 WHERE username = ?').run(
				username
			).changes === 1
		);
	}

	/** The accounts behind these ids, read in one query (the sweep of open connections). */
	usersByIds(ids: readonly string[]): Map<string, UserRow> {
		const rows = this.#sql(
			'SELECT u.* FROM json_each(?) AS i JOIN users AS u ON u.id = i.value'
		).all(JSON.stringify(ids)) as UserRecord[];
		return new Map(rows.map((row) => [row.id, toUser(row)]));
	}

	// ---- ratings

	/** Stores a rating; false when this device already rated this project. */
	addRating(rating: {
		project: string;
		device: string;
		address: string;
		score: number;
		comment: string;
		at: string;
	}): boolean {
		const result = this.#sql(
			`INSERT INTO ratings (project, device, address, score, comment, at)
			 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project, device) DO NOTHING`
		).run(rating.project, rating.device, rating.address, rating.score, rating.comment, rating.at);
		return result.changes === 1;
	}

	hasRated(project: string, device: string): boolean {
		return (
			this.#sql('SELECT 1 FROM ratings WHERE project = ? AND device = ?').get(project, device) !==
			undefined
		);
	}

	/**
	 * The ratings one address (its hash) posted since `since`: on every project, and on `project`.
	 * One query: the `ratings_address (address, at)` index finds the address's rows of the day.
	 */
	ratingsFromAddressSince(
		address: string,
		project: string,
		since: string
	): { total: number; onProject: number } {
		return this.#sql(
			`SELECT count(*) AS total, coalesce(sum(project = @project), 0) AS onProject
			 FROM ratings WHERE address = @address AND at >= @since`
		).get({ address, project, since }) as { total: number; onProject: number };
	}

	ratingTotals(project: string): { count: number; sum: number } {
		const row = this.#sql(
			'SELECT count(*) AS count, coalesce(sum(score), 0) AS sum FROM ratings WHERE project = ?'
		).get(project) as { count: number; sum: number };
		return row;
	}

	/**
	 * The ratings of projects in the given communities, newest first, without the device or the
	 * address. `from` (inclusive) and `before` (exclusive) bound `at`; both are ISO UTC timestamps
	 * like the stored ones, so comparing the strings compares the instants.
	 */
	ratingsOfCommunities(
		communities: readonly string[],
		range: { from?: string; before?: string } = {}
	): RatingRow[] {
		// A project key is `<community>/<project>` and community ids hold no '/': the keys of one
		// community are the range ['<id>/', '<id>0'), ('0' follows '/'), which the primary key's
		// index serves, so a worker's or a town's request does not scan the whole table.
		return this.#sql(
			`SELECT r.project AS project, r.score AS score, r.comment AS comment, r.at AS at
			 FROM json_each(@communities) AS c
			 JOIN ratings AS r ON r.project >= c.value || '/' AND r.project < c.value || '0'
			 WHERE (@from IS NULL OR r.at >= @from) AND (@before IS NULL OR r.at < @before)
			 ORDER BY r.at DESC, r.rowid DESC`
		).all({
			communities: JSON.stringify(communities),
			from: range.from ?? null,
			before: range.before ?? null
		}) as RatingRow[];
	}

	// ---- migrations of the rooms' records

	dataMigrationDone(name: string): boolean {
		return this.#sql('SELECT 1 FROM data_migrations WHERE name = ?').get(name) !== undefined;
	}

	recordDataMigration(name: string, at: string, report: unknown): void {
		this.#sql('INSERT INTO data_migrations (name, at, report) VALUES (?, ?, ?)').run(
			name,
			at,
			JSON.stringify(report)
		);
	}

	/** What a data migration reported, if it ran. */
	dataMigrationReport(name: string): unknown {
		const row = this.#sql('SELECT report FROM data_migrations WHERE name = ?').get(name) as
			{ report: string } | undefined;
		return row ? JSON.parse(row.report) : undefined;
	}

	/** SQLite's online backup: a consistent copy while the server keeps writing. */
	backupTo(path: string): Promise<unknown> {
		return this.db.backup(path);
	}
}
