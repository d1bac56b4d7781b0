import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { InvalidVoteError, sha256Hex, ZHANGJIAGANG_2020 } from '$lib/domain';
import {
	createMeeting,
	editMinutes,
	finaliseMinutes,
	minutesMatchHash,
	minutesOf,
	recordVote
} from '$lib/store/meetings';
import { readRecord } from '$lib/doc/records';
import { LocalChange } from '$lib/store/room-doc';
import { addSuggestion } from '$lib/store/suggestions';
import { context, exchange, newDevice, open, room, suggestionFields } from './helpers';

async function setup() {
	const a = await open(newDevice());
	const ctx = context(a);
	const s1 = await addSuggestion(ctx, { ...suggestionFields, title: '货车夜间乱停' }, []);
	const s2 = await addSuggestion(ctx, { ...suggestionFields, title: '广场舞太吵' }, []);
	const meeting = await createMeeting(ctx, {
		date: '2026-11-28',
		place: '社区活动室',
		topic: '十一月议事会',
		names: ['高丽萍', '王建国'],
		headCount: 9,
		councilMembers: 15,
		agenda: [
			{ room, id: s1.id },
			{ room, id: s2.id }
		]
	});
	return { a, ctx, s1, s2, meeting };
}

const read = (doc: Parameters<typeof readRecord>[0], id: string) =>
	readRecord(doc, 'councilMeeting', id)!.record!;

describe('council meetings', () => {
	it('puts the agenda suggestions under deliberation, and votes adopt or decline them', async () => {
		const { a, ctx, s1, s2, meeting } = await setup();
		expect(readRecord(a.doc, 'suggestion', s1.id)?.record?.status).toBe('deliberating');
		const [first, second] = meeting.agenda;
		const passed = await recordVote(
			ctx,
			meeting,
			first!.id,
			{ for: 7, against: 1, abstain: 1 },
			ZHANGJIAGANG_2020
		);
		expect(passed.outcome).toBe('passed');
		const failed = await recordVote(
			ctx,
			read(a.doc, meeting.id),
			second!.id,
			{ for: 3, against: 5, abstain: 1 },
			ZHANGJIAGANG_2020
		);
		expect(failed.outcome).toBe('failed');
		expect(readRecord(a.doc, 'suggestion', s1.id)?.record?.status).toBe('adopted');
		expect(readRecord(a.doc, 'suggestion', s2.id)?.record?.status).toBe('declined');
		expect(read(a.doc, meeting.id).agenda.map((i) => i.votes?.for)).toEqual([7, 3]);
		// More votes than people present is refused, and nothing is written.
		await expect(
			recordVote(
				ctx,
				read(a.doc, meeting.id),
				first!.id,
				{ for: 9, against: 1, abstain: 0 },
				ZHANGJIAGANG_2020
			)
		).rejects.toBeInstanceOf(InvalidVoteError);
		expect(read(a.doc, meeting.id).agenda[0]?.votes?.for).toBe(7);
	});

	it('merges two tablets typing the minutes at the same time', async () => {
		const { a, ctx, meeting } = await setup();
		const b = await open(newDevice());
		exchange(a.doc, b.doc);
		const ctxB = context(b, { id: 'w2', name: 'W2' });
		editMinutes(ctx, meeting, '# 会议纪要\n', new LocalChange('t', 'a'));
		exchange(a.doc, b.doc);
		editMinutes(ctx, meeting, '# 会议纪要\n- 货车：通过\n', new LocalChange('t', 'a'));
		editMinutes(ctxB, meeting, '# 会议纪要\n**出席** 9 人\n', new LocalChange('t', 'b'));
		exchange(a.doc, b.doc);
		const textA = minutesOf(a.doc, meeting.id)!.toString();
		expect(textA).toBe(minutesOf(b.doc, meeting.id)!.toString());
		expect(textA).toContain('- 货车：通过\n');
		expect(textA).toContain('**出席** 9 人\n');
		expect(textA.startsWith('# 会议纪要\n')).toBe(true);
	});

	it("puts each keystroke at its typist's cursor, even beside the same character typed elsewhere", async () => {
		const { a, ctx, meeting } = await setup();
		const b = await open(newDevice());
		const ctxB = context(b, { id: 'w2', name: 'W2' });
		editMinutes(ctx, meeting, '# 纪要\n', new LocalChange('t', 'a'));
		exchange(a.doc, b.doc);
		const text = (doc: typeof a.doc) => minutesOf(doc, meeting.id)!.toString();
		// Both cursors at the end of the heading, both type a line starting with "- " at once,
		// each keystroke reaching the other before the next: a diff that ignores the cursor can
		// put one's dash after the other's, and the next keystroke between them.
		const lineA = '- 货车：通过\n';
		const lineB = '- 出席 9 人\n';
		// Each tablet keeps its cursor as the editor does: a relative position after its own last
		// character, turned back into an index after the other's keystrokes arrive.
		const typist = (doc: typeof a.doc, c: typeof ctx, line: string) => {
			const ytext = minutesOf(doc, meeting.id)!;
			let cursor = Y.createRelativePositionFromTypeIndex(ytext, ytext.length, -1);
			return (i: number) => {
				if (i >= line.length) return;
				const at = Y.createAbsolutePositionFromRelativePosition(cursor, doc)!.index;
				const now = ytext.toString();
				editMinutes(
					c,
					meeting,
					now.slice(0, at) + line[i] + now.slice(at),
					new LocalChange('t', 'x'),
					at + 1
				);
				cursor = Y.createRelativePositionFromTypeIndex(ytext, at + 1, -1);
			};
		};
		const typeA = typist(a.doc, ctx, lineA);
		const typeB = typist(b.doc, ctxB, lineB);
		// A is a little ahead: each of its keystrokes reaches B just before B types its own.
		for (let i = 0; i < Math.max(lineA.length, lineB.length); i++) {
			typeA(i);
			exchange(a.doc, b.doc);
			typeB(i);
			exchange(a.doc, b.doc);
		}
		expect(text(a.doc)).toBe(text(b.doc));
		expect(text(a.doc).split('\n').sort()).toEqual(
			['', '# 纪要', '- 出席 9 人', '- 货车：通过'].sort()
		);
	});

	it('finalises with the hash of the text, locks the meeting, and notices a later change', async () => {
		const { a, ctx, meeting } = await setup();
		editMinutes(ctx, meeting, '纪要全文', new LocalChange('t', 'a'));
		const b = await open(newDevice());
		exchange(a.doc, b.doc);
		await finaliseMinutes(ctx, meeting);
		const final = read(a.doc, meeting.id);
		expect(final).toMatchObject({ minutesHash: sha256Hex('纪要全文'), finalisedBy: '汤联一号' });
		expect(minutesMatchHash(a.doc, final)).toBe(true);
		expect(() => editMinutes(ctx, final, 'x', new LocalChange('t', 'a'))).toThrow(/finalised/);

		// A tablet that had not heard of the finalising typed on, offline.
		editMinutes(context(b), read(b.doc, meeting.id), '纪要全文（补充）', new LocalChange('t', 'b'));
		exchange(a.doc, b.doc);
		expect(minutesMatchHash(a.doc, read(a.doc, meeting.id))).toBe(false);
	});
});
