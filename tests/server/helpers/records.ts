import type * as Y from 'yjs';
import type { Project, ReviewDecision } from '$lib/domain';
import type { Author } from '$lib/doc/records';
import { LocalChange } from '$lib/store/room-doc';
import { connect, login, synced, type Client } from './clients';

/** Records as the app writes them, for the tests of what the server shows of them. */

export const recordAt = '2026-11-20T02:00:00.000Z';

/** The evidence photo of `testProject`'s completion (not stored: pages list it, nobody fetches it). */
export const evidenceSha = 'e'.repeat(64);

/**
 * A project of 汤联社区 that is completed with evidence, so public and rateable once its town has
 * approved it (`approveInTown`), unless `overrides` say not.
 */
export function testProject(id: string, overrides: Partial<Project> = {}): Project {
	return {
		id,
		createdAt: recordAt,
		createdBy: 'tanglian-1',
		communityId: 'tanglian',
		townId: 'jingkai',
		year: 2026,
		title: `项目 ${id}`,
		type: 'engineering',
		summary: '',
		suggestions: [],
		budget: [{ id: 'l1', description: '材料', amountFen: 10_000_00 }],
		urgent: false,
		fastTrack: false,
		status: 'completed',
		submittedAt: recordAt,
		decidedAt: recordAt,
		startedAt: recordAt,
		completedAt: recordAt,
		progress: [],
		completion: { at: recordAt, by: 'tanglian-1', note: '已完工', photos: [evidenceSha] },
		...overrides
	};
}

/** A decision of 经开区's reviewer on a project of 汤联社区, taken at `decidedAt`. */
export function testDecision(
	id: string,
	projectId: string,
	decision: ReviewDecision['decision'],
	decidedAt: string
): ReviewDecision {
	return {
		id,
		createdAt: decidedAt,
		createdBy: 'jingkai-reviewer',
		project: { room: 'community:tanglian', id: projectId },
		decision,
		comment: '',
		reviewer: 'jingkai-reviewer',
		decidedAt
	};
}

/** 经开区's reviewer's approvals of these projects, before `recordAt`'s start of work. */
export function approvals(ids: readonly string[]): ReviewDecision[] {
	return ids.map((id) => testDecision(`approve-${id}`, id, 'approve', recordAt));
}

/**
 * Signs in as `username`, opens `room` with a stock client, waits for its sync and lets `fill`
 * write. The client stays open (the caller destroys it) so that what it wrote reaches the server.
 */
export async function writeAs(
	baseUrl: string,
	room: string,
	username: string,
	fill: (doc: Y.Doc, origin: LocalChange, author: Author) => void
): Promise<Client> {
	const client = connect(baseUrl, room, await login(baseUrl, username));
	await synced(client);
	fill(client.doc, new LocalChange('test', username), { id: username, name: username });
	return client;
}
