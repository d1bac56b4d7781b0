import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OrgImportError, parseCsv, planOrgImport, readOrgCsv } from '../../sync-server/org-import';
import { admin } from './helpers/admin-command';
import { makeFixtureApp } from './helpers/fixture-app';
import { seededDataDir } from './helpers/seeded-data-dir';
import { startServerProcess, waitFor } from './helpers/server-process';
import { tempDirFor } from './helpers/temp-dir';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

const header = 'town_id,town_name,community_id,community_name';
const bytes = (text: string) => new TextEncoder().encode(text);

function problemsOf(run: () => unknown): { line: number; message: string }[] {
	try {
		run();
	} catch (error) {
		if (error instanceof OrgImportError) return error.problems;
		throw error;
	}
	throw new Error('expected the file to be refused');
}

describe('reading the directory CSV', () => {
	it('reads what Excel writes: a BOM, CRLF, quoted names with commas and quotes, a blank last line', () => {
		const text = `\uFEFF${header}\r\nnanshan,南山区,"shekou","蛇口社区, 一期"\r\nnanshan,南山区,taohua,"桃花""园""社区"\r\n\r\n`;
		expect(readOrgCsv(bytes(text))).toEqual([
			{
				line: 2,
				town: { id: 'nanshan', name: '南山区' },
				community: { id: 'shekou', name: '蛇口社区, 一期', townId: 'nanshan' }
			},
			{
				line: 3,
				town: { id: 'nanshan', name: '南山区' },
				community: { id: 'taohua', name: '桃花"园"社区', townId: 'nanshan' }
			}
		]);
	});

	it('counts lines as an editor does, also after a quoted line break', () => {
		expect(parseCsv('a,"b\nc"\nd,e').map((r) => r.line)).toEqual([1, 3]);
	});

	it('refuses the whole file and names every bad line', () => {
		const text = [
			header,
			't1,镇一,c1,社区一',
			'T 2,镇二,c2,社区二', // bad town id
			't1,镇一,c3,', // missing community name
			't3,,c4,社区四', // missing town name
			't4,镇四,c1,社区一', // c1 under a second town
			't1,另一个名字,c5,社区五', // t1 named twice differently
			't1,镇一,c6' // too few fields
		].join('\n');
		const problems = problemsOf(() => readOrgCsv(bytes(text)));
		expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8]);
		expect(problems[0]!.message).toContain('town id "T 2"');
		expect(problems[1]!.message).toContain('community name is empty');
		expect(problems[2]!.message).toContain('town name is empty');
		expect(problems[3]!.message).toMatch(/c1 is listed under town t4 here and t1 on line 2/);
		expect(problems[4]!.message).toContain('on line 2');
		expect(problems[5]!.message).toContain('3 fields where 4');
	});

	it('refuses a wrong header, a file that is not UTF-8, an open quote, no rows', () => {
		expect(problemsOf(() => readOrgCsv(bytes('id,name\nx,y')))[0]!.message).toContain(header);
		// "南山" in GBK, as Excel's plain "CSV" saves it on a Chinese Windows
		const gbk = new Uint8Array([
			...bytes(`${header}\nns,`),
			0xc4,
			0xcf,
			0xc9,
			0xbd,
			...bytes(',c,d')
		]);
		expect(problemsOf(() => readOrgCsv(gbk))[0]!.message).toContain('CSV UTF-8');
		expect(problemsOf(() => readOrgCsv(bytes(`${header}\nt,"镇,c,d`)))[0]).toEqual({
			line: 2,
			message: 'a quote is never closed'
		});
		expect(problemsOf(() => readOrgCsv(bytes(`${header}\n\n`)))[0]!.message).toContain('no rows');
	});

	it('plans additions and renames against the directory, and refuses a move between towns', () => {
		const rows = readOrgCsv(
			bytes(`${header}\nt1,镇一（新名）,c1,社区一\nt1,镇一（新名）,c2,社区二\nt2,镇二,c3,社区三`)
		);
		const current = {
			towns: [{ id: 't1', name: '镇一' }],
			communities: [{ id: 'c1', name: '社区一', townId: 't1' }]
		};
		expect(planOrgImport(rows, current)).toEqual({
			addedTowns: [{ id: 't2', name: '镇二' }],
			renamedTowns: [{ id: 't1', from: '镇一', to: '镇一（新名）' }],
			addedCommunities: [
				{ id: 'c2', name: '社区二', townId: 't1' },
				{ id: 'c3', name: '社区三', townId: 't2' }
			],
			renamedCommunities: []
		});
		const moved = problemsOf(() =>
			planOrgImport(readOrgCsv(bytes(`${header}\nt2,镇二,c1,社区一`)), current)
		);
		expect(moved).toEqual([{ line: 2, message: expect.stringContaining('belongs to town t1') }]);
	});
});

describe('npm run admin -- import-org', () => {
	it('imports while the server runs, takes effect within seconds, is idempotent and all or nothing', async () => {
		const appDir = await makeFixtureApp();
		cleanup.push(() => rm(appDir, { recursive: true, force: true }));
		const dataDir = await seededDataDir('kuaiban-import-org-');
		cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
		const server = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => server.stop('SIGKILL'));
		const files = await tempDirFor(cleanup, 'kuaiban-org-csv-');

		const login = await fetch(`${server.url}/api/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: 'city-supervisor', password: 'demo' })
		});
		const { token } = (await login.json()) as { token: string };
		const directory = async () =>
			(await (
				await fetch(`${server.url}/api/directory`, {
					headers: { authorization: `Bearer ${token}` }
				})
			).json()) as {
				towns: { id: string; name: string }[];
				communities: { id: string; name: string; townId: string }[];
			};
		const before = await directory();
		const tanglian = before.communities.find((c) => c.id === 'tanglian')!;

		// 120 new communities in 12 new towns, and the demo's 汤联社区 renamed in its own town.
		const lines = [header];
		for (let t = 0; t < 12; t++) {
			for (let c = 0; c < 10; c++)
				lines.push(`newtown-${t},新镇${t},newc-${t}-${c},新社区${t}-${c}`);
		}
		lines.push(`${tanglian.townId},经开区,tanglian,汤联社区（新）`);
		const good = join(files, 'org.csv');
		await writeFile(good, `\uFEFF${lines.join('\r\n')}\r\n`);

		const first = await admin(dataDir, ['import-org', good]);
		expect(first.code, first.out).toBe(0);
		expect(first.out).toContain('12 towns and 120 communities added, 1 renamed');
		expect(first.out).toContain('renamed community tanglian: 汤联社区 → 汤联社区（新）');

		await waitFor(
			async () =>
				(await directory()).communities.length === before.communities.length + 120 || undefined,
			{ timeoutMs: 5000 }
		);
		const after = await directory();
		expect(after.communities.find((c) => c.id === 'newc-11-9')).toEqual({
			id: 'newc-11-9',
			name: '新社区11-9',
			townId: 'newtown-11'
		});
		expect(after.communities.find((c) => c.id === 'tanglian')!.name).toBe('汤联社区（新）');
		const me = (await (
			await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
		).json()) as { rooms: { room: string }[] };
		expect(me.rooms.map((r) => r.room)).toContain('community:newc-0-0');

		const second = await admin(dataDir, ['import-org', good]);
		expect(second.code).toBe(0);
		expect(second.out).toContain('nothing changed');

		// One bad row among good ones: nothing of the file is written.
		const bad = join(files, 'bad.csv');
		await writeFile(bad, `${header}\nlater,后来镇,later-1,后来社区\nlater,后来镇,BAD ID,坏\n`);
		const refused = await admin(dataDir, ['import-org', bad]);
		expect(refused.code).toBe(2);
		expect(refused.out).toContain('line 3: community id "BAD ID"');
		expect((await directory()).towns.some((t) => t.id === 'later')).toBe(false);
	});
});
