import { isOrgId } from '../src/lib/domain/access.ts';
import type { CommunityRow, TownRow } from './storage.ts';

/**
 * `import-org FILE.csv`: a city's towns and communities from the CSV a city office keeps (Excel's
 * "CSV UTF-8", a BOM allowed), header `town_id,town_name,community_id,community_name`. The whole
 * file is checked before anything is written; any bad row refuses all of it, each problem named by
 * its line, so a half-imported city never exists.
 */

export const orgCsvHeader = ['town_id', 'town_name', 'community_id', 'community_name'] as const;

/** A city is thousands of rows, not millions: a file larger than this is not a directory. */
export const maxOrgCsvBytes = 8 * 1024 * 1024;
const maxNameLength = 100;
const maxProblemsShown = 50;

export interface OrgRow {
	line: number;
	town: TownRow;
	community: CommunityRow;
}

export interface OrgProblem {
	line: number;
	message: string;
}

export class OrgImportError extends Error {
	override name = 'OrgImportError';
	constructor(readonly problems: OrgProblem[]) {
		const shown = problems
			.slice(0, maxProblemsShown)
			.map((p) => (p.line > 0 ? `line ${p.line}: ${p.message}` : p.message));
		if (problems.length > maxProblemsShown)
			shown.push(`… and ${problems.length - maxProblemsShown} more problems`);
		super(`nothing imported:\n${shown.join('\n')}`);
	}
}

/**
 * The fields of each record with the line it starts on (RFC 4180: quoted fields may hold commas,
 * doubled quotes and line breaks; CRLF or LF). Throws on an unterminated quote.
 */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
	const records: { line: number; fields: string[] }[] = [];
	let fields: string[] = [];
	let field = '';
	let line = 1;
	let recordLine = 1;
	let quoted = false;
	let wasQuoted = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i]!;
		if (quoted) {
			if (ch === '"') {
				if (text[i + 1] === '"') {
					field += '"';
					i++;
				} else quoted = false;
			} else {
				if (ch === '\n') line++;
				field += ch;
			}
			continue;
		}
		if (ch === '"' && field === '' && !wasQuoted) {
			quoted = wasQuoted = true;
		} else if (ch === ',') {
			fields.push(field);
			field = '';
			wasQuoted = false;
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			fields.push(field);
			records.push({ line: recordLine, fields });
			fields = [];
			field = '';
			wasQuoted = false;
			line++;
			recordLine = line;
		} else {
			field += ch;
		}
	}
	if (quoted) throw new OrgImportError([{ line: recordLine, message: 'a quote is never closed' }]);
	if (field !== '' || fields.length > 0 || wasQuoted) {
		fields.push(field);
		records.push({ line: recordLine, fields });
	}
	return records;
}

function decodeUtf8(bytes: Uint8Array): string {
	try {
		return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		throw new OrgImportError([
			{
				line: 0,
				message: 'the file is not UTF-8 text (in Excel: Save As → "CSV UTF-8 (Comma delimited)")'
			}
		]);
	}
}

function checkName(name: string, what: string, problems: OrgProblem[], line: number): void {
	if (name === '') problems.push({ line, message: `${what} is empty` });
	else if (name.length > maxNameLength)
		problems.push({ line, message: `${what} is longer than ${maxNameLength} characters` });
	// eslint-disable-next-line no-control-regex
	else if (/[\u0000-\u001f\u007f]/.test(name))
		problems.push({ line, message: `${what} holds a control character or a line break` });
}

/** The file's rows, checked against each other; throws `OrgImportError` naming every bad line. */
export function readOrgCsv(bytes: Uint8Array): OrgRow[] {
	if (bytes.byteLength > maxOrgCsvBytes) {
		throw new OrgImportError([
			{ line: 0, message: `the file is over ${maxOrgCsvBytes / 1024 / 1024} MB` }
		]);
	}
	const records = parseCsv(decodeUtf8(bytes)).filter((r) => r.fields.some((f) => f.trim() !== ''));
	const [header, ...body] = records;
	const problems: OrgProblem[] = [];
	const headerText = header?.fields.map((f) => f.trim().toLowerCase()).join(',');
	if (headerText !== orgCsvHeader.join(',')) {
		throw new OrgImportError([
			{ line: header?.line ?? 1, message: `the header must be ${orgCsvHeader.join(',')}` }
		]);
	}
	if (body.length === 0) throw new OrgImportError([{ line: 0, message: 'the file has no rows' }]);

	const rows: OrgRow[] = [];
	const townNames = new Map<string, { name: string; line: number }>();
	const communityTowns = new Map<string, { townId: string; line: number }>();
	for (const { line, fields } of body) {
		if (fields.length !== orgCsvHeader.length) {
			problems.push({
				line,
				message: `${fields.length} fields where ${orgCsvHeader.length} are expected`
			});
			continue;
		}
		const [townId, townName, communityId, communityName] = fields.map((f) => f.trim()) as [
			string,
			string,
			string,
			string
		];
		const before = problems.length;
		if (!isOrgId(townId))
			problems.push({ line, message: `town id "${townId}" is not a-z, 0-9, _ or - (up to 64)` });
		if (!isOrgId(communityId))
			problems.push({
				line,
				message: `community id "${communityId}" is not a-z, 0-9, _ or - (up to 64)`
			});
		checkName(townName, 'the town name', problems, line);
		checkName(communityName, 'the community name', problems, line);
		const town = townNames.get(townId);
		if (town && townName !== '' && town.name !== townName) {
			problems.push({
				line,
				message: `town ${townId} is named "${townName}" here and "${town.name}" on line ${town.line}`
			});
		}
		const seen = communityTowns.get(communityId);
		if (seen) {
			problems.push({
				line,
				message:
					seen.townId === townId
						? `community ${communityId} is listed twice (first on line ${seen.line})`
						: `community ${communityId} is listed under town ${townId} here and ${seen.townId} on line ${seen.line}`
			});
		}
		if (problems.length > before) continue;
		if (!town) townNames.set(townId, { name: townName, line });
		communityTowns.set(communityId, { townId, line });
		rows.push({
			line,
			town: { id: townId, name: townName },
			community: { id: communityId, name: communityName, townId }
		});
	}
	if (problems.length > 0) throw new OrgImportError(problems);
	return rows;
}

export interface OrgChanges {
	addedTowns: TownRow[];
	renamedTowns: { id: string; from: string; to: string }[];
	addedCommunities: CommunityRow[];
	renamedCommunities: { id: string; townId: string; from: string; to: string }[];
}

/**
 * What the file changes in the stored directory. A community the directory already places in
 * another town is refused: moving it would hand its records to another town's reviewers, which is
 * a decision for `add-community --town`, not a side effect of a spreadsheet.
 */
export function planOrgImport(
	rows: readonly OrgRow[],
	current: { towns: readonly TownRow[]; communities: readonly CommunityRow[] }
): OrgChanges {
	const towns = new Map(current.towns.map((t) => [t.id, t]));
	const communities = new Map(current.communities.map((c) => [c.id, c]));
	const changes: OrgChanges = {
		addedTowns: [],
		renamedTowns: [],
		addedCommunities: [],
		renamedCommunities: []
	};
	const problems: OrgProblem[] = [];
	const townsDone = new Set<string>();
	for (const { line, town, community } of rows) {
		if (!townsDone.has(town.id)) {
			townsDone.add(town.id);
			const stored = towns.get(town.id);
			if (!stored) changes.addedTowns.push(town);
			else if (stored.name !== town.name)
				changes.renamedTowns.push({ id: town.id, from: stored.name, to: town.name });
		}
		const stored = communities.get(community.id);
		if (!stored) changes.addedCommunities.push(community);
		else if (stored.townId !== community.townId) {
			problems.push({
				line,
				message: `community ${community.id} belongs to town ${stored.townId}, not ${community.townId}: move it with add-community --town`
			});
		} else if (stored.name !== community.name) {
			changes.renamedCommunities.push({
				id: community.id,
				townId: community.townId,
				from: stored.name,
				to: community.name
			});
		}
	}
	if (problems.length > 0) throw new OrgImportError(problems);
	return changes;
}

export function isEmptyChange(changes: OrgChanges): boolean {
	return (
		changes.addedTowns.length +
			changes.renamedTowns.length +
			changes.addedCommunities.length +
			changes.renamedCommunities.length ===
		0
	);
}
