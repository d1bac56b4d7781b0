import * as Y from 'yjs';
import {
	roomHolds,
	DEFAULT_INSPECTION_CHECKLIST,
	projectBudgetFen,
	rectificationDueDate,
	sha256Hex,
	type ChecklistEntry,
	type CouncilMeeting,
	type Disbursement,
	type Project,
	type Rectification,
	type ReviewDecision,
	type SiteInspection,
	type Suggestion,
	type SuggestionChannel
} from '../src/lib/domain/index.ts';
import { createRecord } from '../src/lib/doc/records.ts';
import type { DemoCity } from './demo-city.ts';
import { demoPhoto, type DemoPhoto } from './demo-photos.ts';

/**
 * The demo city's records (DESIGN.md, "Demo city"): generated deterministically, so that the
 * dashboard shows exactly what Zhangjiagang reported to September 2020 (DOMAIN.md) — 1,448
 * suggestions; 924 projects, 618 engineering and 306 service; 43,296,700 yuan; 98% of
 * communities covered — with the article's two stories among them.
 *
 * - 108 of the 110 communities have projects (98%): 60 have nine and 48 have eight, three a year
 *   at most over 2018–2020, each under 55,000 yuan, so no community-year passes 165,000.
 * - Each project comes from one adopted suggestion; 524 more suggestions are open or declined.
 * - Projects were approved by the town (a decision in the town's room), started and, except for
 *   some of 2020, completed with a photo, with dates that follow the workflow.
 * - Then the money (DOMAIN.md step 5): the town accepted nearly all finished work (the two stories,
 *   finished in 2020, still wait for it); finance paid the 2018–2019 projects but a few, in one
 *   payment or two, some for less than approved, and 60% of 2020's; the towns closed the files of
 *   2018 once paid.
 * - Each town made its quarterly check of one finished project per community in September 2020:
 *   one in nine found the sign fallen, one in thirteen equipment needing repair, each ordered
 *   rectified within the rules' 30 days; half are put right with a photo, the rest are overdue.
 */

export const DEMO_FIGURES = {
	suggestions: 1448,
	projects: 924,
	engineering: 618,
	service: 306,
	budgetFen: 43_296_700_00,
	coveredCommunities: 108
} as const;

/** A small deterministic generator (mulberry32): the same city on every machine. */
function random(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ESTATES = ['花苑', '新村', '家园', '华庭', '小区', '公寓', '雅苑', '名邸'];
const ESTATE_PREFIX = [
	'塘市',
	'府前',
	'金港',
	'长江',
	'暨阳',
	'沙洲',
	'梁丰',
	'乐余',
	'凤凰',
	'南丰'
];
/**
 * What residents raise (`title`) and what the project does about it (`project`): works are
 * replaced, installed or repaired, services are services, as real project names read.
 */
const PROBLEMS: {
	title: string;
	project: string;
	category: string;
	type: 'engineering' | 'service';
}[] = [
	{ title: '健身器材老化损坏', project: '健身器材更新', category: '公共设施', type: 'engineering' },
	{ title: '河道护栏缺失', project: '河道护栏安装', category: '安全隐患', type: 'engineering' },
	{ title: '健身步道破损', project: '健身步道修缮', category: '公共设施', type: 'engineering' },
	{
		title: '下水管道油污堵塞',
		project: '下水管道疏通改造',
		category: '环境卫生',
		type: 'engineering'
	},
	{
		title: '自行车库没有电，飞线充电',
		project: '自行车库充电设施安装',
		category: '安全隐患',
		type: 'engineering'
	},
	{ title: '楼道灯不亮', project: '楼道照明更换', category: '公共设施', type: 'engineering' },
	{ title: '路面坑洼积水', project: '路面修补', category: '道路交通', type: 'engineering' },
	{
		title: '老年人吃饭不方便',
		project: '老年人助餐服务',
		category: '为老服务',
		type: 'service'
	},
	{
		title: '暑假孩子无人看管',
		project: '暑期儿童托管服务',
		category: '文体活动',
		type: 'service'
	},
	{
		title: '独居老人无人照看',
		project: '独居老人上门探访服务',
		category: '为老服务',
		type: 'service'
	},
	{
		title: '垃圾分类投放混乱',
		project: '垃圾分类督导服务',
		category: '环境卫生',
		type: 'service'
	}
];
const SURNAMES = [
	'王',
	'李',
	'张',
	'刘',
	'陈',
	'杨',
	'黄',
	'赵',
	'吴',
	'周',
	'徐',
	'孙',
	'朱',
	'沈'
];
const GIVEN = [
	'建国',
	'秀英',
	'桂兰',
	'志强',
	'海燕',
	'国华',
	'玉梅',
	'文斌',
	'丽华',
	'振东',
	'春燕',
	'德明'
];
const CHANNELS: SuggestionChannel[] = ['wechat', 'council', 'door', 'hotline', 'other'];

const DAY = 86_400_000;
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A time of the same China day in working hours (08:30–11:30 or 13:30–17:00, Beijing time), as
 * people record their work; `rand` picks the minute. China is UTC+8, so these are 00:30–09:00 UTC
 * of the same date: the day of every record stays what the figures count.
 */
function workingTime(ms: number, rand: () => number): number {
	const day = Math.floor(ms / DAY) * DAY;
	const morning = rand() < 0.45;
	const start = morning ? 30 : 5 * 60 + 30;
	const span = morning ? 3 * 60 : 3 * 60 + 30;
	return day + (start + Math.floor(rand() * span)) * MINUTE;
}

export interface DemoRoomUpdate {
	room: string;
	update: Uint8Array;
}

export interface DemoRoomPhoto extends DemoPhoto {
	room: string;
}

/** The demo records as one update per room (communities and towns). */
export function demoDataUpdates(city: DemoCity): DemoRoomUpdate[] {
	return demoData(city).updates;
}

/** The demo records, and the photos they name, each in the room that holds its record. */
export function demoData(
	city: DemoCity,
	/** The projects' budgets together (a larger generated city: bench/city-data.ts). */
	budgetFen: number = DEMO_FIGURES.budgetFen
): { updates: DemoRoomUpdate[]; photos: DemoRoomPhoto[] } {
	const rand = random(20201123);
	// A stream of its own for what follows completion, so the earlier records stay as they were.
	const later = random(20200930);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
	const communities = city.communities;
	// Two communities of the city have no project yet: the 2% not covered.
	const uncovered = new Set(communities.slice(-2).map((c) => c.id));
	const covered = communities.filter((c) => !uncovered.has(c.id));

	interface Slot {
		community: (typeof communities)[number];
		year: number;
	}
	const slots: Slot[] = [];
	covered.forEach((community, i) => {
		const years =
			i < 60
				? [2018, 2018, 2018, 2019, 2019, 2019, 2020, 2020, 2020]
				: [2018, 2018, 2018, 2019, 2019, 2019, 2020, 2020];
		for (const year of years) slots.push({ community, year });
	});

	// Budgets between 40,000 and 52,000 yuan in whole hundreds, as budgets are drawn up, then
	// shifted together by hundreds to the reported total (what is less than a hundred, if the
	// total asks for it, goes to the last project).
	const HUNDRED = 100_00;
	const raw = slots.map(() => 400 + Math.floor(rand() * 121));
	const shift = Math.floor(budgetFen / HUNDRED) - raw.reduce((a, b) => a + b, 0);
	const each = Math.floor(shift / raw.length);
	const rest = shift - each * raw.length;
	const amounts = raw.map((units, i) => (units + each + (i < rest ? 1 : 0)) * HUNDRED);
	amounts[amounts.length - 1]! += budgetFen % HUNDRED;
	// Streams of their own for the hours and the meetings, so the records stay as they were.
	const clock = random(20200901);
	const council = random(20200615);
	const at = (ms: number) => workingTime(ms, clock);

	const docs = new Map<string, Y.Doc>();
	const docOf = (room: string) => {
		let doc = docs.get(room);
		if (!doc) docs.set(room, (doc = new Y.Doc()));
		return doc;
	};
	const origin = { seed: 'demo' };
	let serviceLeft: number = DEMO_FIGURES.service;
	let n = 0;
	const photos = new Map<string, DemoRoomPhoto>();
	const withPhoto = (room: string, photo: DemoPhoto) => {
		photos.set(`${room}/${photo.sha256}`, { room, ...photo });
		return photo.sha256;
	};
	const add = <K extends 'reviewDecision' | 'disbursement' | 'siteInspection' | 'rectification'>(
		room: string,
		kind: K,
		record: K extends 'reviewDecision'
			? ReviewDecision
			: K extends 'disbursement'
				? Disbursement
				: K extends 'siteInspection'
					? SiteInspection
					: Rectification,
		at: number
	) => {
		// Each kind in the room that holds it, as the app writes it (`RECORD_ROOMS`).
		if (!roomHolds(room, kind)) throw new Error(`The demo put a ${kind} in ${room}`);
		const author = { id: record.createdBy, name: record.createdBy };
		createRecord(docOf(room), kind, record as never, origin, author, new Date(at));
	};
	/** The last finished project of each community: what its town's quarterly check looks at. */
	const lastDone = new Map<string, { project: Project; completed: number }>();

	const addSuggestion = (
		communityId: string,
		suggestion: Omit<Suggestion, 'id' | 'createdBy' | 'photos' | 'urgent' | 'building'> &
			Partial<Suggestion>
	) => {
		const record: Suggestion = {
			id: `demo-s-${++n}`,
			createdBy: `${communityId}-1`,
			photos: [],
			urgent: false,
			building: String(1 + Math.floor(rand() * 30)),
			...suggestion
		};
		const author = { id: record.createdBy, name: '社区工作者' };
		createRecord(
			docOf(`community:${communityId}`),
			'suggestion',
			record,
			origin,
			author,
			new Date(record.createdAt)
		);
		return record;
	};

	/**
	 * The residents' council's meeting on a suggestion, in the community's room: who came, the
	 * vote that adopted it (a quorum of the council's members, more than half of the votes for),
	 * and the minutes, finalised with their hash as the app finalises them.
	 */
	let meetings = 0;
	const addMeeting = (
		community: (typeof communities)[number],
		suggestion: Suggestion,
		day: number
	) => {
		// In the morning (08:30–10:00, Beijing time), minutes finalised by 11:30: before the
		// community drafts the project, which may be the same day.
		const held = Math.floor(day / DAY) * DAY + (30 + Math.floor(council() * 90)) * MINUTE;
		const members = 9 + Math.floor(council() * 5);
		const headCount = Math.ceil(members / 2) + 1 + Math.floor(council() * (members / 2 - 1));
		const against = Math.floor(council() * 2);
		const abstain = Math.floor(council() * 2);
		const votes = { for: headCount - against - abstain, against, abstain };
		const names = Array.from(
			{ length: Math.min(headCount, 5) },
			() =>
				`${SURNAMES[Math.floor(council() * SURNAMES.length)]}${GIVEN[Math.floor(council() * GIVEN.length)]}`
		);
		const date = new Date(held + 8 * 3_600_000).toISOString().slice(0, 10);
		const place = `${community.name}${council() < 0.5 ? '党群服务中心' : '居民议事厅'}`;
		const minutes = [
			`# ${community.name}居民议事会会议纪要`,
			`- 时间：${date}`,
			`- 地点：${place}`,
			`- 到会：${headCount} 人（议事会成员 ${members} 人）`,
			`## 议题：${suggestion.title}`,
			`居民反映：${suggestion.description}`,
			`经讨论，同意将此事列为民生微实事项目，由社区拟定方案报镇（街道）审核。`,
			`表决：赞成 ${votes.for} 票，反对 ${against} 票，弃权 ${abstain} 票，通过。`
		].join('\n');
		const worker = `${community.id}-1`;
		const meeting: CouncilMeeting = {
			id: `demo-m-${++meetings}`,
			createdAt: iso(held),
			createdBy: worker,
			date,
			place,
			topic: `${suggestion.title}议事`,
			attendees: { names, headCount },
			councilMembers: members,
			agenda: [
				{
					id: 'a1',
					suggestion: { room: `community:${community.id}`, id: suggestion.id },
					votes,
					note: '同意立项'
				}
			],
			minutesHash: sha256Hex(minutes),
			finalisedAt: iso(held + 90 * MINUTE),
			finalisedBy: worker,
			photos: []
		};
		const doc = docOf(`community:${community.id}`);
		const author = { id: worker, name: `${community.name}工作者 1` };
		createRecord(doc, 'councilMeeting', meeting, origin, author, new Date(held));
		doc.getMap('minutes').set(meeting.id, new Y.Text(minutes));
		return held + 90 * MINUTE;
	};

	slots.forEach(({ community, year }, i) => {
		const story = storyFor(community.id, year, i, slots);
		// Exactly the reported split: every third project is a service one until 306 are.
		const type = story ? story.type : i % 3 === 2 && serviceLeft > 0 ? 'service' : 'engineering';
		if (type === 'service') serviceLeft--;
		const problem = story
			? { ...story, project: story.projectTitle }
			: pick(PROBLEMS.filter((p) => p.type === type));
		const estate = story?.estate ?? `${pick(ESTATE_PREFIX)}${pick(ESTATES)}`;
		const raised = at(
			story
				? Date.parse(story.raisedAt)
				: Date.UTC(year, 1 + Math.floor(rand() * 6), 1 + Math.floor(rand() * 27), 1)
		);
		const suggestion = addSuggestion(community.id, {
			createdAt: iso(raised),
			title: story?.title ?? `${estate}${problem.title}`,
			description: story?.description ?? `居民反映：${estate}${problem.title}，希望尽快解决。`,
			channel: story ? 'council' : pick(CHANNELS),
			estate,
			category: problem.category,
			status: 'adopted'
		});
		const submitDays = story?.submitDays ?? 3 + Math.floor(rand() * 10);
		const submitted = at(raised + submitDays * DAY);
		const decided = at(submitted + (story?.decideDays ?? 1 + Math.floor(rand() * 10)) * DAY);
		const started = at(decided + (story?.startDays ?? 2 + Math.floor(rand() * 8)) * DAY);
		const completed = at(started + (story?.workDays ?? 10 + Math.floor(rand() * 50)) * DAY);
		// The council met between the suggestion and the submission, and adopted it by a vote.
		const adopted = addMeeting(
			community,
			suggestion,
			raised + (1 + Math.floor(council() * (submitDays - 1))) * DAY
		);
		const done = year < 2020 || story !== undefined || rand() < 0.6;
		const amountFen = amounts[i]!;
		const room = `community:${community.id}`;
		const project: Project = {
			id: `demo-p-${community.id}-${i}`,
			// Drafted after the council adopted the suggestion (the same day, at times).
			createdAt: iso(Math.max(at(submitted - DAY), adopted + 30 * MINUTE)),
			createdBy: `${community.id}-1`,
			communityId: community.id,
			townId: community.townId,
			year,
			title: story?.projectTitle ?? `${estate}${problem.project}`,
			type,
			summary:
				story?.summary ??
				(type === 'service'
					? `为${estate}居民提供${problem.project}，解决${problem.title}的问题。`
					: `${problem.project}，解决${estate}${problem.title}的问题。`),
			suggestions: [{ room: `community:${community.id}`, id: suggestion.id }],
			budget: [
				{ id: 'l1', description: type === 'service' ? '服务费用' : '材料和施工', amountFen }
			],
			urgent: false,
			fastTrack: false,
			status: done ? 'completed' : 'in_progress',
			submittedAt: iso(submitted),
			decidedAt: iso(decided),
			startedAt: iso(started),
			progress: [],
			...(done
				? {
						completedAt: iso(completed),
						completion: {
							at: iso(completed),
							by: `${community.id}-1`,
							note: '已完工',
							photos: [withPhoto(room, demoPhoto('completion', i))]
						}
					}
				: {})
		};
		const worker = { id: `${community.id}-1`, name: `${community.name}工作者 1` };
		createRecord(
			docOf(`community:${community.id}`),
			'project',
			project,
			origin,
			worker,
			new Date(submitted)
		);
		const decision: ReviewDecision = {
			id: `demo-d-${project.id}`,
			createdAt: iso(decided),
			createdBy: `${community.townId}-reviewer`,
			project: { room: `community:${community.id}`, id: project.id },
			decision: 'approve',
			comment: '',
			reviewer: `${community.townId}-reviewer`,
			decidedAt: iso(decided)
		};
		const reviewer = { id: decision.reviewer, name: '审核员' };
		createRecord(
			docOf(`town:${community.townId}`),
			'reviewDecision',
			decision,
			origin,
			reviewer,
			new Date(decided)
		);
		if (done) {
			lastDone.set(community.id, { project, completed });
			if (!story) addMoney(project, completed);
		}
	});

	/** Acceptance by the town, payments by finance, closing by the town (see the top). */
	function addMoney(project: Project, completed: number) {
		const town = `town:${project.townId}`;
		const reviewer = `${project.townId}-reviewer`;
		const ref = { room: `community:${project.communityId}`, id: project.id };
		if (project.year === 2020 && later() < 0.15) return;
		const accepted = at(completed + (3 + Math.floor(later() * 10)) * DAY);
		const decide = (decision: 'accept' | 'close', at: number, comment: string) =>
			add(
				town,
				'reviewDecision',
				{
					id: `demo-${decision}-${project.id}`,
					createdAt: iso(at),
					createdBy: reviewer,
					project: ref,
					decision,
					comment,
					reviewer,
					decidedAt: iso(at)
				},
				at
			);
		decide('accept', accepted, '验收合格');
		if (later() >= (project.year < 2020 ? 0.97 : 0.6)) return;
		const budget = projectBudgetFen(project);
		const split = later();
		// Most in one payment; some in two; a few for less than approved (the work cost less).
		// Advances and savings in whole hundreds of yuan, as payment orders are written.
		const hundreds = (fen: number) => Math.round(fen / 100_00) * 100_00;
		const parts =
			split < 0.15
				? [hundreds(budget * 0.6), budget - hundreds(budget * 0.6)]
				: split < 0.23
					? [hundreds(budget * 0.96)]
					: [budget];
		let paid = accepted;
		parts.forEach((amountFen, k) => {
			paid = at(paid + (10 + Math.floor(later() * 30)) * DAY);
			add(
				'finance',
				'disbursement',
				{
					id: `demo-pay-${project.id}-${k}`,
					createdAt: iso(paid),
					createdBy: 'city-finance',
					project: ref,
					amountFen,
					paidAt: iso(paid),
					by: 'city-finance',
					note: `拨付凭证 ${project.year}-${project.id.slice(-4)}-${k + 1}`,
					// A single payment below the budget is the last one: the work cost less.
					...(parts.length === 1 && amountFen < budget ? { final: true } : {})
				},
				paid
			);
		});
		if (project.year === 2018) decide('close', at(paid + 15 * DAY), '资金已拨付，结项');
	}

	// The towns' quarterly checks of September 2020, with what they ordered rectified.
	covered.forEach((community, k) => {
		const done = lastDone.get(community.id);
		if (!done) return;
		const town = `town:${community.townId}`;
		const reviewer = `${community.townId}-reviewer`;
		const visited = at(Math.max(Date.UTC(2020, 8, 7 + (k % 18), 2), done.completed + 7 * DAY));
		const failures: Record<string, string> = {
			...(k % 9 === 4 ? { sign: '项目标识牌脱落' } : {}),
			...(k % 13 === 6 ? { maintenance: '健身器材螺丝松动，需要维修' } : {})
		};
		const checklist: ChecklistEntry[] = DEFAULT_INSPECTION_CHECKLIST.map((item) =>
			failures[item] ? { item, result: 'fail', note: failures[item] } : { item, result: 'pass' }
		);
		const inspection: SiteInspection = {
			id: `demo-insp-${community.id}`,
			createdAt: iso(visited),
			createdBy: reviewer,
			kind: 'quarterly',
			checklist,
			project: { room: `community:${community.id}`, id: done.project.id },
			visitedAt: iso(visited),
			inspector: reviewer,
			note: Object.keys(failures).length ? '发现问题，已责令整改' : '运行良好',
			problemFound: Object.keys(failures).length > 0,
			photos: [withPhoto(town, demoPhoto('inspection', k))]
		};
		add(town, 'siteInspection', inspection, visited);
		Object.entries(failures).forEach(([item, description], j) => {
			const fixed = (k + j) % 2 === 0;
			const doneAt = at(visited + 12 * DAY);
			add(
				town,
				'rectification',
				{
					id: `demo-rect-${community.id}-${item}`,
					createdAt: iso(visited),
					createdBy: reviewer,
					subject: { room: town, id: inspection.id },
					orderedBy: reviewer,
					orderedAt: iso(visited),
					description,
					owner: community.name,
					dueDate: rectificationDueDate(iso(visited), undefined),
					...(fixed ? { done: true, doneAt: iso(doneAt), doneNote: '已整改到位' } : {}),
					photos: fixed ? [withPhoto(town, demoPhoto(item === 'sign' ? 'sign' : 'completion'))] : []
				},
				fixed ? doneAt : visited
			);
		});
	});

	// The rest of the 1,448: suggestions still open or declined, in every community.
	const others = DEMO_FIGURES.suggestions - slots.length;
	for (let k = 0; k < others; k++) {
		const community = communities[k % communities.length]!;
		const problem = pick(PROBLEMS);
		const estate = `${pick(ESTATE_PREFIX)}${pick(ESTATES)}`;
		addSuggestion(community.id, {
			createdAt: iso(
				at(Date.UTC(2018 + (k % 3), Math.floor(rand() * 9), 1 + Math.floor(rand() * 27), 2))
			),
			title: `${estate}${problem.title}`,
			description: `居民反映：${problem.title}。`,
			channel: pick(CHANNELS),
			estate,
			category: problem.category,
			status: rand() < 0.5 ? 'open' : 'declined'
		});
	}

	return {
		updates: [...docs].map(([room, doc]) => ({ room, update: Y.encodeStateAsUpdate(doc) })),
		photos: [...photos.values()]
	};
}

interface Story {
	title: string;
	projectTitle: string;
	description: string;
	summary: string;
	estate: string;
	category: string;
	type: 'engineering' | 'service';
	raisedAt: string;
	submitDays: number;
	decideDays: number;
	startDays: number;
	workDays: number;
}

/** The article's two stories, as the first 2020 project of their communities. */
function storyFor(
	communityId: string,
	year: number,
	index: number,
	slots: readonly { community: { id: string }; year: number }[]
): Story | undefined {
	const first2020 = slots.findIndex((s) => s.community.id === communityId && s.year === 2020);
	if (year !== 2020 || index !== first2020) return undefined;
	if (communityId === 'tanglian') {
		// "前后只用了40多天就落实到位了"
		return {
			title: '塘市花苑货车夜间随意停放',
			projectTitle: '塘市花苑货车停放整治',
			description: '小区周边工厂多，不少业主从事货运，一到晚上货车随意停放，严重影响居民出行。',
			summary: '划设货车停车区域，设置限行标志和隔离设施。',
			estate: '塘市花苑',
			category: '道路交通',
			type: 'engineering',
			raisedAt: '2020-06-02T01:40:00.000Z',
			submitDays: 5,
			decideDays: 3,
			startDays: 4,
			workDays: 30
		};
	}
	if (communityId === 'daxin') {
		// "53个自行车库……从上报到完工共20天"
		return {
			title: '府前新村 53 个自行车库没有电，飞线充电',
			projectTitle: '府前新村自行车库安全接电',
			description: '53 个自行车库一直没有铺设电线，电动车飞线充电普遍，存在很大安全隐患。',
			summary: '申请一个总电表，再装 53 个预付费分电表，居民在车库中安全充电。',
			estate: '府前新村',
			category: '安全隐患',
			type: 'engineering',
			raisedAt: '2020-07-06T06:15:00.000Z',
			submitDays: 2,
			decideDays: 2,
			startDays: 2,
			workDays: 14
		};
	}
	return undefined;
}
