import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	assembleCity,
	cityFigures,
	findCapBreaches,
	isRectificationOverdue,
	moneyLedger,
	moneyTotal,
	paidFen,
	projectAsSeen,
	projectBudgetFen,
	shanghaiDate,
	deliberationWarnings,
	latestVoteOn,
	ZHANGJIAGANG_2020,
	type Disbursement,
	type Project,
	type Rectification,
	type ReviewDecision,
	type SiteInspection,
	type Suggestion
} from '$lib/domain';
import { docRecords, readRecords } from '$lib/doc/records';
import { roomRecords } from '$lib/doc/room-records';
import { minutesMatchHash, minutesOf } from '$lib/store/meetings';
import { demoCity } from '../../sync-server/demo-city';
import { DEMO_FIGURES, demoData, demoDataUpdates } from '../../sync-server/demo-data';
import { sniffPhotoType } from '../../sync-server/photos';

/** DESIGN.md "Demo city": the seeded records reproduce the city's reported figures. */

const city = demoCity();
const updates = demoDataUpdates(city);
const docs = new Map(
	updates.map(({ room, update }) => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, update);
		return [room, doc] as const;
	})
);

/** The room each record was read from (the domain takes each step only from its own room). */
const decisionRooms = new Map<unknown, string>();

function all<
	K extends
		| 'suggestion'
		| 'project'
		| 'reviewDecision'
		| 'disbursement'
		| 'siteInspection'
		| 'rectification'
>(kind: K) {
	const out = [];
	for (const [room, doc] of docs) {
		for (const stored of readRecords(doc, kind)) {
			expect(stored.issues, `${kind} ${stored.id}`).toEqual([]);
			out.push(stored.record!);
			decisionRooms.set(stored.record, room);
		}
	}
	return out;
}

const suggestions = all('suggestion') as Suggestion[];
const decisions = all('reviewDecision') as ReviewDecision[];
const disbursements = all('disbursement') as Disbursement[];
const townOf = new Map(city.communities.map((c) => [c.id, c.townId]));
const projects = (all('project') as Project[]).map((p) => {
	const communityId = decisionRooms.get(p)!.slice('community:'.length);
	const townId = townOf.get(communityId);
	return projectAsSeen(p, {
		communityId,
		townId,
		townDecisions: decisions.filter((d) => decisionRooms.get(d) === `town:${townId}`),
		cityDecisions: decisions.filter((d) => decisionRooms.get(d) === 'city'),
		payments: disbursements.filter((d) => decisionRooms.get(d) === 'finance')
	});
});

describe('the demo data set', () => {
	it('holds the same records on every run', () => {
		// The bytes differ (each run's Y.Doc has its own client id); the records do not.
		const content = (list: typeof updates) =>
			list.map(({ room, update }) => {
				const doc = new Y.Doc();
				Y.applyUpdate(doc, update);
				const kinds = ['suggestion', 'project', 'reviewDecision'];
				return [room, kinds.map((kind) => doc.getMap(kind).toJSON())];
			});
		const first = content(updates);
		expect(JSON.stringify(first).length).toBeGreaterThan(500_000);
		expect(content(demoDataUpdates(demoCity()))).toEqual(first);
	});

	it('shows exactly the figures the city reported', () => {
		const figures = cityFigures({ suggestions, projects, communities: city.communities });
		expect(figures).toEqual({
			suggestionsCollected: 1448,
			projectsProduced: 924,
			byType: { engineering: 618, service: 306 },
			budgetFen: DEMO_FIGURES.budgetFen,
			budgetWan: '4,329.67万元',
			communitiesCovered: { covered: 108, total: 110, percent: 98 }
		});
	});

	it('is put together the same way by assembleCity, as devices and the server read models do', () => {
		const rooms = new Map(
			[...docs].map(([room, doc]) => [room, roomRecords(docRecords(doc), room)])
		);
		const assembled = assembleCity(rooms, (id) => townOf.get(id));
		const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
		expect(assembled.projects.map(({ ref: _, ...p }) => p).sort(byId)).toEqual(
			[...projects].sort(byId)
		);
		expect(assembled.suggestions).toHaveLength(suggestions.length);
		expect(assembled.disbursements).toHaveLength(
			disbursements.filter((d) => decisionRooms.get(d) === 'finance').length
		);
		expect(cityFigures({ ...assembled, communities: city.communities }).budgetWan).toBe(
			'4,329.67万元'
		);
	});

	it('keeps every budget under the caps and every date in the order of the workflow', () => {
		expect(findCapBreaches(projects, ZHANGJIAGANG_2020)).toEqual([]);
		for (const p of projects) {
			const steps = [p.submittedAt, p.decidedAt, p.startedAt, p.completedAt].filter(Boolean);
			expect([...steps].sort(), p.id).toEqual(steps);
			expect(p.decidedAt, p.id).toBeDefined();
			const suggestion = suggestions.find((s) => s.id === p.suggestions[0]?.id);
			expect(suggestion?.status).toBe('adopted');
			expect(suggestion!.createdAt <= p.submittedAt!).toBe(true);
		}
	});

	it("holds the article's two stories", () => {
		const trucks = projects.find((p) => p.title === '塘市花苑货车停放整治');
		expect(trucks).toMatchObject({ communityId: 'tanglian', year: 2020, status: 'completed' });
		const garages = projects.find((p) => p.title === '府前新村自行车库安全接电');
		expect(garages).toMatchObject({ communityId: 'daxin', status: 'completed' });
		// Calendar days in China (records are made at the hours people work, not at midnight).
		const day = (at: string) => Date.parse(shanghaiDate(at)) / 86_400_000;
		const days = (p: Project) =>
			day(p.completedAt!) - day(suggestions.find((s) => s.id === p.suggestions[0]!.id)!.createdAt);
		expect(days(trucks!)).toBeGreaterThanOrEqual(40);
		expect(days(trucks!)).toBeLessThan(50);
		expect(
			days(garages!) -
				(day(garages!.submittedAt!) -
					day(suggestions.find((s) => s.id === garages!.suggestions[0]!.id)!.createdAt))
		).toBe(18);
	});

	it('follows the money: accepted, paid within the budget, closed once paid', () => {
		const count = (status: string) => projects.filter((p) => p.status === status).length;
		// Every 2018 project paid is closed; few of 2018–2019 wait; 2020 has every stage.
		expect(count('closed')).toBeGreaterThan(250);
		expect(count('disbursed')).toBeGreaterThan(250);
		expect(count('accepted')).toBeGreaterThan(20);
		expect(count('completed')).toBeGreaterThan(2);
		expect(count('in_progress')).toBeGreaterThan(20);
		for (const p of projects) {
			expect(paidFen(p.id, disbursements), p.id).toBeLessThanOrEqual(projectBudgetFen(p));
			if (p.year === 2018 && p.status === 'disbursed') throw new Error(`${p.id} not closed`);
			const steps = [p.completedAt, p.acceptedAt, p.disbursedAt, p.closedAt].filter(Boolean);
			expect([...steps].sort(), p.id).toEqual(steps);
		}
		const total = moneyTotal(moneyLedger(projects, disbursements, (p) => p.townId));
		expect(total.approvedFen).toBe(DEMO_FIGURES.budgetFen);
		expect(total.paidFen).toBeGreaterThan(total.approvedFen / 2);
		expect(total.dueFen).toBeGreaterThan(0);
		expect(total.owedFen).toBeGreaterThan(total.dueFen);
	});

	it("holds the towns' quarterly checks, with rectifications done and overdue", () => {
		const inspections = all('siteInspection') as SiteInspection[];
		const rectifications = all('rectification') as Rectification[];
		expect(inspections).toHaveLength(DEMO_FIGURES.coveredCommunities);
		expect(inspections.filter((i) => i.problemFound).length).toBeGreaterThan(10);
		expect(rectifications.filter((r) => r.done).length).toBeGreaterThan(5);
		const now = '2026-01-01T00:00:00.000Z';
		expect(rectifications.filter((r) => isRectificationOverdue(r, now)).length).toBeGreaterThan(5);
		for (const r of rectifications) {
			expect(inspections.some((i) => i.id === r.subject.id)).toBe(true);
			expect(r.photos.length, r.id).toBe(r.done === true ? 1 : 0);
		}
	});

	it('names only photos it stores, each a picture, in the room of its record', () => {
		const { photos, updates: again } = demoData(city);
		expect(again.length).toBe(updates.length);
		const stored = new Set(photos.map((p) => `${p.room}/${p.sha256}`));
		const named: string[] = [];
		for (const [room, doc] of docs) {
			for (const kind of ['project', 'siteInspection', 'rectification'] as const) {
				for (const { record } of readRecords(doc, kind)) {
					const shas =
						kind === 'project'
							? ((record as Project).completion?.photos ?? [])
							: (record as SiteInspection | Rectification).photos;
					named.push(...shas.map((sha) => `${room}/${sha}`));
				}
			}
		}
		expect(named.length).toBeGreaterThan(700);
		expect(named.filter((n) => !stored.has(n))).toEqual([]);
		for (const photo of photos.slice(0, 20)) {
			expect(sniffPhotoType(photo.bytes)).toBe('image/png');
			expect(createHash('sha256').update(photo.bytes).digest('hex')).toBe(photo.sha256);
		}
	});

	it('reads like a real city: titles by type, budgets in hundreds, working hours', () => {
		// A project says what it does; only the article's own trucks story is an 整治.
		const rectified = projects.filter((p) => p.title.endsWith('整治')).map((p) => p.title);
		expect(rectified).toEqual(['塘市花苑货车停放整治']);
		const services = projects.filter((p) => p.type === 'service');
		expect(services.every((p) => p.title.endsWith('服务'))).toBe(true);
		// Budgets and payments in whole hundreds of yuan (the total's odd yuan on one project).
		const odd = projects.filter((p) => projectBudgetFen(p) % 100_00 !== 0);
		expect(odd.length).toBeLessThanOrEqual(1);
		expect(disbursements.filter((d) => d.amountFen % 100_00 !== 0).length).toBeLessThanOrEqual(1);
		// Every record made in working hours, Beijing time, and at many different times of day.
		const times = [
			...suggestions.map((r) => r.createdAt),
			...projects.flatMap((p) => [p.submittedAt!, p.decidedAt!, p.startedAt!]),
			...disbursements.map((d) => d.paidAt)
		];
		const minuteOfDay = (at: string) => {
			const d = new Date(Date.parse(at) + 8 * 3_600_000);
			return d.getUTCHours() * 60 + d.getUTCMinutes();
		};
		const outside = times.filter((at) => {
			const m = minuteOfDay(at);
			return m < 8 * 60 + 30 || m > 17 * 60 || (m > 11 * 60 + 30 && m < 13 * 60 + 30);
		});
		expect(outside).toEqual([]);
		expect(new Set(times.map((at) => Math.floor(minuteOfDay(at) / 60))).size).toBeGreaterThan(6);
	});

	it("puts the council's deliberation behind every project: a meeting, its vote, its minutes", () => {
		for (const [room, doc] of docs) {
			if (!room.startsWith('community:')) continue;
			const meetings = readRecords(doc, 'councilMeeting').map((r) => {
				expect(r.issues, r.id).toEqual([]);
				return r.record!;
			});
			const own = projects.filter((p) => `community:${p.communityId}` === room);
			expect(meetings.length, room).toBe(own.length);
			const evidence = {
				suggestions: readRecords(doc, 'suggestion').map((r) => r.record!),
				meetings,
				projects: own,
				rulesOf: () => ZHANGJIAGANG_2020
			};
			for (const project of own) {
				expect(deliberationWarnings(project, evidence), project.id).toEqual([]);
				const vote = latestVoteOn(project.suggestions[0]!.id, meetings)!;
				expect(vote.meeting.date <= shanghaiDate(project.submittedAt!), project.id).toBe(true);
				// The minutes were final before the community drafted the project.
				expect(vote.meeting.finalisedAt! < project.createdAt, project.id).toBe(true);
			}
			for (const meeting of meetings) {
				expect(meeting.finalisedAt).toBeDefined();
				expect(minutesMatchHash(doc, meeting), meeting.id).toBe(true);
				expect(minutesOf(doc, meeting.id)!.toString()).toContain('表决：赞成');
			}
		}
	});
});
