import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

/** Runs `npm run admin -- …` as an operator would, against one data folder. */
export function admin(dataDir: string, args: string[], input?: string) {
	return new Promise<{ code: number | null; out: string }>((done) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/admin.ts', ...args], {
			cwd: root,
			env: { ...process.env, DATA_DIR: dataDir }
		});
		let out = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString()));
		child.stderr.on('data', (c: Buffer) => (out += c.toString()));
		child.stdin.end(input ?? '');
		child.on('exit', (code) => done({ code, out }));
	});
}
