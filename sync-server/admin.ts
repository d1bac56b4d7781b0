/**
 * `npm run admin -- <command>`: users, towns and communities, backup and restore. It opens the same
 * SQLite file as the server (WAL lets both work at once), so it can run while the server serves.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isOrgId, isValidScope, roles, type Role } from '../src/lib/domain/access.ts';
import { hashPassword, tokenSecretFile } from './auth.ts';
import { loadConfig } from './config.ts';
import {
	databaseFile,
	databasePath,
	journalFile,
	journalPath,
	keepPrivate,
	prepareDataDir
} from './data-dir.ts';
import { isEmptyChange, OrgImportError, planOrgImport, readOrgCsv } from './org-import.ts';
import { photosRoot } from './photos.ts';
import { Storage } from './storage.ts';

const usage = `Usage: npm run admin -- <command> [options]

  add-user <username> --role <role> --scope <scope> [--name <name>] [--password-stdin]
      roles: worker (scope community:<id>), reviewer (town:<id>), supervisor, finance, admin (city).
      Without --password-stdin a random password is made and printed once.
  list-users
  disable-user <username>        enable-user <username>
  set-password <username> [--password-stdin]
  revoke-tokens <username>       signs the user out everywhere (a lost tablet); the password stays
  disable-demo-users             (before production: the demo users all have the password "demo")
  add-town <id> <name>
  add-community <id> <name> --town <townId>
  import-org <file.csv>          towns and communities from a CSV (UTF-8, a BOM allowed) with the
                                 header town_id,town_name,community_id,community_name; adds and
                                 renames, never removes; a bad row refuses the whole file
  list-org
  backup <folder>                a consistent copy (SQLite online backup + photos), server may run
  restore <folder> [--force]     into DATA_DIR; stop the server first

DATA_DIR (default ./data) says which data folder.`;

class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
	const i = args.indexOf(`--${name}`);
	if (i < 0) return undefined;
	const value = args[i + 1];
	if (value === undefined || value.startsWith('--'))
		throw new UsageError(`--${name} needs a value`);
	args.splice(i, 2);
	return value;
}

function flag(args: string[], name: string): boolean {
	const i = args.indexOf(`--${name}`);
	if (i < 0) return false;
	args.splice(i, 1);
	return true;
}

function positional(args: string[], count: number, what: string): string[] {
	const values = args.filter((a) => !a.startsWith('--'));
	if (values.length !== count) throw new UsageError(`expected ${what}`);
	return values;
}

async function readPassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
	if (!fromStdin) return { password: randomBytes(12).toString('base64url'), generated: true };
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	const password = Buffer.concat(chunks)
		.toString('utf8')
		.replace(/\r?\n$/, '');
	if (password.length < 8) throw new UsageError('a password needs at least 8 characters');
	return { password, generated: false };
}

async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch {
		return false;
	}
}

async function run(argv: string[]): Promise<void> {
	const [command, ...args] = argv;
	const { dataDir } = loadConfig(process.env);
	const say = (line: string) => process.stdout.write(`${line}\n`);

	if (command === undefined || command === 'help' || command === '--help') {
		say(usage);
		return;
	}

	if (command === 'restore') {
		const force = flag(args, 'force');
		const [from] = positional(args, 1, 'restore <folder>');
		const source = resolve(from ?? '');
		if (!(await exists(join(source, databaseFile)))) {
			throw new UsageError(`${source} holds no ${databaseFile}: not a backup`);
		}
		await prepareDataDir(dataDir);
		if ((await readdir(dataDir)).length > 0 && !force) {
			throw new UsageError(`${dataDir} is not empty: stop the server, then restore with --force`);
		}
		// Also the journal: its updates belong to the database being replaced, and would otherwise
		// be folded into the restored one at the next start.
		for (const name of [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`, journalFile]) {
			await rm(join(dataDir, name), { force: true });
		}
		await cp(source, dataDir, { recursive: true, force: true });
		await keepPrivate(dataDir);
		say(`restored ${source} into ${dataDir}`);
		return;
	}

	await prepareDataDir(dataDir);
	const storage = new Storage(databasePath(dataDir));
	try {
		switch (command) {
			case 'add-user': {
				const role = option(args, 'role') as Role | undefined;
				const scope =
					option(args, 'scope') ??
					(role && ['supervisor', 'finance', 'admin'].includes(role) ? 'city' : undefined);
				const name = option(args, 'name');
				const fromStdin = flag(args, 'password-stdin');
				const [username] = positional(args, 1, 'add-user <username>');
				if (!username || !/^[a-z0-9][a-z0-9._-]{1,63}$/.test(username)) {
					throw new UsageError('a username is 2–64 characters: a-z, 0-9, . _ -');
				}
				if (!role || !roles.includes(role))
					throw new UsageError(`--role must be one of ${roles.join(', ')}`);
				if (!scope || !isValidScope(role, scope)) {
					throw new UsageError(`--scope does not fit the role ${role} (see the usage)`);
				}
				if (storage.findUserByUsername(username))
					throw new UsageError(`${username} exists already`);
				const { password, generated } = await readPassword(fromStdin);
				storage.addUser({
					id: username,
					username,
					name: name ?? username,
					role,
					scope,
					passwordHash: await hashPassword(password),
					createdAt: new Date().toISOString()
				});
				say(`added ${username} (${role}, ${scope})`);
				if (generated) say(`password (shown once): ${password}`);
				return;
			}
			case 'list-users':
				for (const u of storage.listUsers()) {
					const flags = [u.disabled ? 'disabled' : '', u.demo ? 'demo' : '']
						.filter(Boolean)
						.join(',');
					say(`${u.username.padEnd(24)} ${u.role.padEnd(10)} ${u.scope.padEnd(28)} ${flags}`);
				}
				return;
			case 'disable-user':
			case 'enable-user': {
				const [username] = positional(args, 1, `${command} <username>`);
				if (!storage.setUserDisabled(username ?? '', command === 'disable-user')) {
					throw new UsageError(`no user ${username}`);
				}
				say(`${command === 'disable-user' ? 'disabled' : 'enabled'} ${username}`);
				return;
			}
			case 'set-password': {
				const fromStdin = flag(args, 'password-stdin');
				const [username] = positional(args, 1, 'set-password <username>');
				const { password, generated } = await readPassword(fromStdin);
				if (!storage.setPasswordHash(username ?? '', await hashPassword(password))) {
					throw new UsageError(`no user ${username}`);
				}
				say(`password set for ${username}`);
				if (generated) say(`password (shown once): ${password}`);
				return;
			}
			case 'revoke-tokens': {
				const [username] = positional(args, 1, 'revoke-tokens <username>');
				if (!storage.revokeTokens(username ?? '')) throw new UsageError(`no user ${username}`);
				say(`tokens revoked for ${username}: every device signs in again`);
				return;
			}
			case 'disable-demo-users': {
				let n = 0;
				for (const u of storage.listUsers()) {
					if (u.demo && !u.disabled && storage.setUserDisabled(u.username, true)) n++;
				}
				say(`disabled ${n} demo users`);
				return;
			}
			case 'add-town': {
				const [id, name] = positional(args, 2, 'add-town <id> <name>');
				if (!id || !isOrgId(id) || !name)
					throw new UsageError('a town id is a-z, 0-9, _ or - (up to 64)');
				storage.upsertTown({ id, name });
				say(`town ${id} ${name}`);
				return;
			}
			case 'add-community': {
				const townId = option(args, 'town');
				const [id, name] = positional(args, 2, 'add-community <id> <name> --town <townId>');
				if (!id || !isOrgId(id) || !name)
					throw new UsageError('a community id is a-z, 0-9, _ or -');
				if (!townId || !storage.towns().some((t) => t.id === townId)) {
					throw new UsageError('--town must name an existing town');
				}
				storage.upsertCommunity({ id, name, townId });
				say(`community ${id} ${name} in ${townId}`);
				return;
			}
			case 'import-org': {
				const [file] = positional(args, 1, 'import-org <file.csv>');
				let bytes: Uint8Array;
				try {
					bytes = await readFile(resolve(file ?? ''));
				} catch (error) {
					throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`);
				}
				const rows = readOrgCsv(bytes);
				const changes = planOrgImport(rows, {
					towns: storage.towns(),
					communities: storage.communities()
				});
				if (isEmptyChange(changes)) {
					say(`${rows.length} rows read: the directory already says all of it, nothing changed`);
					return;
				}
				storage.upsertOrg(
					[...changes.addedTowns, ...changes.renamedTowns.map((t) => ({ id: t.id, name: t.to }))],
					[
						...changes.addedCommunities,
						...changes.renamedCommunities.map((c) => ({ id: c.id, name: c.to, townId: c.townId }))
					]
				);
				for (const t of changes.addedTowns) say(`added town ${t.id} ${t.name}`);
				for (const t of changes.renamedTowns) say(`renamed town ${t.id}: ${t.from} → ${t.to}`);
				for (const c of changes.addedCommunities)
					say(`added community ${c.id} ${c.name} in ${c.townId}`);
				for (const c of changes.renamedCommunities)
					say(`renamed community ${c.id}: ${c.from} → ${c.to}`);
				say(
					`${rows.length} rows read: ${changes.addedTowns.length} towns and ${changes.addedCommunities.length} communities added, ${changes.renamedTowns.length + changes.renamedCommunities.length} renamed`
				);
				return;
			}
			case 'list-org':
				for (const town of storage.towns()) {
					say(`${town.id} ${town.name}`);
					for (const c of storage.communities().filter((c) => c.townId === town.id)) {
						say(`  ${c.id} ${c.name}`);
					}
				}
				return;
			case 'backup': {
				const [to] = positional(args, 1, 'backup <folder>');
				const target = resolve(to ?? '');
				if (await exists(target)) throw new UsageError(`${target} exists: choose a new folder`);
				await mkdir(target, { recursive: true, mode: 0o700 });
				// The journal (updates the server has not folded into the database yet), then the
				// database at one point in time, then the photos. In that order the copy holds every
				// update up to some point: what the journal copy misses was folded before the
				// database was copied (recovery skips what both hold). A photo is content-addressed and
				// never changes, so one uploaded meanwhile is at worst an extra file in the copy.
				if (await exists(journalPath(dataDir))) {
					await writeFile(join(target, journalFile), await readFile(journalPath(dataDir)), {
						mode: 0o600
					});
				}
				await storage.backupTo(join(target, databaseFile));
				if (await exists(photosRoot(dataDir))) {
					await cp(photosRoot(dataDir), join(target, 'photos'), { recursive: true });
				}
				if (await exists(join(dataDir, tokenSecretFile))) {
					await cp(join(dataDir, tokenSecretFile), join(target, tokenSecretFile));
				}
				await keepPrivate(target);
				say(`backup written to ${target}`);
				return;
			}
			default:
				throw new UsageError(`unknown command ${command}`);
		}
	} finally {
		storage.close();
	}
}

run(process.argv.slice(2)).catch((error: unknown) => {
	if (error instanceof OrgImportError) {
		process.stderr.write(`admin: import-org: ${error.message}\n`);
		process.exit(2);
	}
	if (error instanceof UsageError) {
		process.stderr.write(`admin: ${error.message}\n\n${usage}\n`);
		process.exit(2);
	}
	process.stderr.write(`admin: ${(error as Error).message}\n`);
	process.exit(1);
});
