/**
 * The document `npm run bench:client` opens: five years (2021–2025) of one community's records in
 * the room `community:tanglian`, written through the app's own store commands (`createRecord`,
 * `updateRecord`), so every record passes the domain validators and the document carries the
 * history a real one would: each record created in its own transaction, then edited later (status
 * changes, progress notes), by three tablets whose changes reach each other as they are made.
 *
 * Deterministic: a seeded PRNG (mulberry32), fixed client ids and a simulated clock, so two runs
 * build byte-identical documents and their figures can be compared.
 *
 * Counts follow the issue: about 300 suggestions, 150 projects, 60 council meetings whose minutes
 * are a Y.Text of 2–4 KB (top-level Y.Map `minutes`, keyed by meeting id) and 800 site inspections,
 * plus the `photo` map's metadata for every photo a record names.
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import type {
	AgendaItem,
	BudgetLine,
	CouncilMeeting,
	Project,
	RecordKind,
	RecordKinds,
	RecordRef,
	SiteInspection,
	Suggestion,
	SuggestionStatus
} from '../src/lib/domain/index.ts';
import { INSPECTION_KINDS, SUGGESTION_CHANNELS } from '../src/lib/domain/index.ts';
import {
	appendToRecord,
	createRecord,
	readRecords,
	updateRecord,
	type Author
} from '../src/lib/doc/records.ts';
import { photoMetaMap, type PhotoMeta } from '../src/lib/store/photos.ts';
import { LocalChange } from '../src/lib/store/room-doc.ts';

export const room = 'community:tanglian';

export interface CommunityData {
	/** `Y.encodeStateAsUpdate` of the whole document: what one merged `updates` row holds. */
	update: Uint8Array;
	/** The same records as plain objects in one JSON string (minutes' text and photo metadata in). */
	json: string;
	counts: Record<'suggestion' | 'project' | 'councilMeeting' | 'siteInspection', number>;
	/** Transactions made while building it (creations and later edits). */
	transactions: number;
}

export interface CommunityOptions {
	seed?: number;
	suggestions?: number;
	projects?: number;
	meetings?: number;
	inspections?: number;
}

/** mulberry32: small, fast, good enough to pick words; never Math.random (runs must repeat). */
function prng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
	const chance = (p: number) => next() < p;
	const hex = (chars: number) => {
		let out = '';
		while (out.length < chars)
			out += Math.floor(next() * 0x100000000)
				.toString(16)
				.padStart(8, '0');
		return out.slice(0, chars);
	};
	/** A random id shaped like crypto.randomUUID(), as the app makes them. */
	const uuid = () => {
		const h = hex(32);
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
	};
	return { next, int, pick, chance, hex, uuid };
}

// ── Words ──────────────────────────────────────────────────────────────────────────────────────

const estates = [
	'塘市花苑',
	'汤联新村',
	'金塘小区',
	'沙洲湖畔',
	'福园小区',
	'南苑新村',
	'东湖雅苑',
	'锦丰花园'
];
const categories = ['环境卫生', '道路交通', '公共设施', '安全隐患', '文体活动', '为老服务', '其他'];
const problems = [
	['货车夜间乱停', '夜间有大货车停在小区主干道上，早上上学的孩子只能绕到机动车道上走'],
	['路灯损坏', '小区北门到菜场的一段路灯坏了两个多月，晚上散步的老人看不清台阶'],
	['楼道堆物', '楼道里堆满了纸箱和旧家具，消防通道被堵住，住户多次反映没有人来清理'],
	['雨污管网堵塞', '一下大雨地下车库入口就积水，污水从窨井里冒出来，气味很重'],
	['缺少休息座椅', '小区中心广场没有座椅，老人们只能自带小板凳，希望能装几张长椅'],
	['电动车充电难', '电动车在楼道里充电很危险，希望在车棚里装集中充电桩'],
	['健身器材老化', '儿童游乐区的滑梯有裂缝，健身器材的螺丝松动，存在安全隐患'],
	['垃圾分类亭破损', '垃圾分类亭的顶棚漏雨，桶边污水横流，夏天蚊蝇很多'],
	['绿化带被毁种菜', '有住户把公共绿化带挖了种菜，还施农家肥，周边住户意见很大'],
	['无障碍坡道缺失', '活动中心门口只有台阶，坐轮椅的居民进不去，希望加装无障碍坡道'],
	['道路破损', '主干道路面坑洼不平，下雨后积水，电动车经过容易滑倒'],
	['老年食堂排队长', '老年助餐点只有一个窗口，中午排队要半个多小时，希望增加窗口']
];
const clauses = [
	'居民在议事会上多次提出',
	'物业表示没有经费处理',
	'社区网格员已经现场查看',
	'涉及周边约二百户居民',
	'附近有幼儿园和小学',
	'老年居民比较集中',
	'去年冬天已经出现过类似情况',
	'希望在汛期之前解决',
	'楼组长收集了三十多户的签名',
	'部分居民愿意参与日常维护',
	'需要和物业公司协商施工时间',
	'建议由社区统一组织实施'
];
const meetingTopics = [
	'小区停车秩序整治',
	'老旧小区路灯改造',
	'垃圾分类亭翻新',
	'电动车集中充电设施',
	'中心广场休闲座椅',
	'雨污管网疏通',
	'儿童游乐设施更新',
	'老年助餐点扩容',
	'无障碍设施改造',
	'楼道堆物清理'
];
const minuteSentences = [
	'主持人宣布会议开始，说明本次会议的议题和表决规则。',
	'社区工作人员介绍了居民建议的收集情况和现场查看结果。',
	'楼组长代表发言，认为这个问题影响面广，应当优先解决。',
	'有居民提出预算偏高，建议先做小范围试点，再视效果推广。',
	'物业公司代表说明了现有设施的维护情况和存在的困难。',
	'议事会成员就施工时间、安全措施和后期维护进行了讨论。',
	'有代表建议在施工前张贴公告，听取受影响住户的意见。',
	'社区书记表示将把讨论意见整理后报街道审核。',
	'与会人员对方案的具体位置提出了修改意见，现场作了记录。',
	'居民代表要求项目完成后公开费用明细，接受大家监督。',
	'经过举手表决，议题获得多数同意，列入本年度项目计划。',
	'会议最后确定由社区牵头，物业配合，居民代表参与验收。'
];
const budgetItems = [
	'材料费',
	'人工费',
	'设备购置',
	'运输及安装',
	'安全防护',
	'设计费',
	'垃圾清运',
	'标识标牌'
];
const inspectionNotes = [
	'现场施工有序，安全围挡到位',
	'材料堆放占用消防通道，已当场要求整改',
	'工程进度与计划基本一致',
	'座椅已安装完毕，居民使用情况良好',
	'路灯夜间全部点亮，无损坏',
	'充电桩有一台不能使用，已通知维修',
	'验收前复查，发现标识牌未安装',
	'雨后复查，未见积水'
];
const names = [
	'高丽萍',
	'陈建国',
	'张秀英',
	'李伟',
	'王芳',
	'刘洋',
	'赵敏',
	'周杰',
	'吴婷',
	'孙磊'
];

// ── The simulated clock and tablets ────────────────────────────────────────────────────────────

const start = Date.UTC(2021, 0, 4, 1, 0, 0);
const end = Date.UTC(2025, 11, 30, 9, 0, 0);
const day = 86_400_000;

const authors: Author[] = [
	{ id: 'tanglian-1', name: '高丽萍' },
	{ id: 'tanglian-2', name: '陈建国' },
	{ id: 'tanglian-3', name: '张秀英' }
];

/**
 * Three tablets, each its own Y.Doc with a fixed client id; a change made on one reaches the
 * others at once (they were online), so the result has the struct layout of a shared document.
 */
function tablets() {
	const docs = [101, 202, 303].map((clientID) => {
		const doc = new Y.Doc();
		doc.clientID = clientID;
		return doc;
	});
	const relay = Symbol('relay');
	for (const from of docs) {
		from.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === relay) return;
			for (const to of docs) if (to !== from) Y.applyUpdate(to, update, relay);
		});
	}
	return docs;
}

interface Event {
	at: number;
	run: (tablet: Y.Doc, author: Author, at: Date) => void;
}

export function generateCommunity(options: CommunityOptions = {}): CommunityData {
	const rng = prng(options.seed ?? 20261128);
	const counts = {
		suggestion: options.suggestions ?? 300,
		project: options.projects ?? 150,
		councilMeeting: options.meetings ?? 60,
		siteInspection: options.inspections ?? 800
	};
	const events: Event[] = [];
	const at = (t: number) => Math.min(end, Math.max(start, Math.round(t)));
	const when = (i: number, of: number) => at(start + ((end - start) * (i + rng.next())) / of);
	const schedule = (t: number, run: Event['run']) => events.push({ at: at(t), run });
	const photoShas = (max: number) => Array.from({ length: rng.int(0, max) }, () => rng.hex(64));
	const photoMeta: { sha: string; at: number }[] = [];
	const withPhotos = (shas: string[], t: number) => {
		for (const sha of shas) photoMeta.push({ sha, at: t });
		return shas;
	};
	const sentence = (n: number) =>
		Array.from({ length: n }, () => rng.pick(clauses)).join('，') + '。';

	// Suggestions, newest last; some later deliberated, adopted, declined or merged.
	const suggestions: { id: string; at: number; status: SuggestionStatus }[] = [];
	for (let i = 0; i < counts.suggestion; i++) {
		const t = when(i, counts.suggestion);
		const [title, lead] = rng.pick(problems) as [string, string];
		const estate = rng.pick(estates);
		const record: Suggestion = {
			id: rng.uuid(),
			createdAt: new Date(t).toISOString(),
			createdBy: '',
			title: `${estate}${title}`,
			description: `${lead}。${sentence(rng.int(2, 6))}`,
			channel: rng.pick(SUGGESTION_CHANNELS),
			estate,
			building: String(rng.int(1, 40)),
			category: rng.pick(categories),
			urgent: rng.chance(0.1),
			photos: withPhotos(photoShas(3), t),
			status: 'open',
			...(rng.chance(0.4)
				? { residentName: rng.pick(names), residentPhone: `139${rng.int(10000000, 99999999)}` }
				: {})
		};
		const entry = { id: record.id, at: t, status: 'open' as SuggestionStatus };
		suggestions.push(entry);
		schedule(t, (doc, author, now) =>
			add(doc, 'suggestion', { ...record, createdBy: author.id }, author, now)
		);
		if (rng.chance(0.15)) {
			schedule(t + rng.int(1, 5) * day, (doc, author, now) =>
				change(
					doc,
					'suggestion',
					record.id,
					{ description: `${record.description}补充：${sentence(2)}` },
					author,
					now
				)
			);
		}
		const fate = rng.next();
		if (fate < 0.85) {
			schedule(t + rng.int(7, 30) * day, (doc, author, now) =>
				change(doc, 'suggestion', record.id, { status: 'deliberating' }, author, now)
			);
			const final: SuggestionStatus = fate < 0.5 ? 'adopted' : fate < 0.75 ? 'declined' : 'merged';
			entry.status = final;
			const earlier = suggestions[rng.int(0, Math.max(0, suggestions.length - 2))];
			schedule(t + rng.int(31, 80) * day, (doc, author, now) => {
				if (final === 'merged' && earlier && earlier.id !== record.id) {
					change(
						doc,
						'suggestion',
						record.id,
						{ status: 'merged', mergedInto: { room, id: earlier.id } },
						author,
						now
					);
				} else {
					change(
						doc,
						'suggestion',
						record.id,
						{ status: final === 'merged' ? 'declined' : final },
						author,
						now
					);
				}
			});
		}
	}
	const refTo = (s: { id: string }): RecordRef => ({ room, id: s.id });

	// Council meetings, one a month, with their minutes typed in sittings and corrected.
	for (let i = 0; i < counts.councilMeeting; i++) {
		const t = when(i, counts.councilMeeting);
		const headCount = rng.int(9, 25);
		const recent = suggestions.filter((s) => s.at < t).slice(-12);
		const agenda: AgendaItem[] = Array.from(
			{ length: Math.min(recent.length, rng.int(2, 5)) },
			(_, k) => {
				const cast = rng.int(Math.ceil(headCount / 2), headCount);
				const against = rng.int(0, Math.floor(cast / 4));
				const abstain = rng.int(0, Math.floor(cast / 6));
				return {
					id: `item-${k + 1}`,
					suggestion: refTo(recent[recent.length - 1 - k] ?? recent[0]!),
					votes: { for: cast - against - abstain, against, abstain },
					...(rng.chance(0.3) ? { note: sentence(1) } : {})
				};
			}
		);
		const meeting: CouncilMeeting = {
			id: rng.uuid(),
			createdAt: new Date(t).toISOString(),
			createdBy: '',
			date: new Date(t + 8 * 3_600_000).toISOString().slice(0, 10),
			place: `${rng.pick(estates)}活动室`,
			topic: rng.pick(meetingTopics),
			attendees: { names: Array.from({ length: rng.int(3, 8) }, () => rng.pick(names)), headCount },
			councilMembers: 25,
			agenda,
			photos: withPhotos(photoShas(3), t)
		};
		const targetChars = rng.int(700, 1400); // 2–4 KB of UTF-8
		const sittings: string[] = [];
		let length = 0;
		while (length < targetChars) {
			const chunk = Array.from({ length: rng.int(1, 3) }, () => rng.pick(minuteSentences)).join('');
			sittings.push(chunk);
			length += chunk.length;
		}
		schedule(t, (doc, author, now) => {
			add(doc, 'councilMeeting', { ...meeting, createdBy: author.id }, author, now);
			doc.getMap<Y.Text>('minutes').set(meeting.id, new Y.Text());
		});
		sittings.forEach((chunk, k) => {
			const typedAt = t + (k + 1) * 180_000;
			const correct = rng.chance(0.25);
			const cut = rng.int(2, 8);
			schedule(typedAt, (doc, author) => {
				const text = doc.getMap<Y.Text>('minutes').get(meeting.id);
				if (!text) return;
				doc.transact(
					() => {
						text.insert(text.length, chunk);
						if (correct && text.length > 40) {
							// A correction in the middle: a few characters deleted, others typed there.
							const pos = Math.floor(text.length / 2);
							text.delete(pos, cut);
							text.insert(pos, '（更正）');
						}
					},
					new LocalChange('editMinutes', author.id)
				);
			});
		});
		schedule(t + 3 * day, (doc, author, now) => {
			const minutes = doc.getMap<Y.Text>('minutes').get(meeting.id)?.toString() ?? '';
			const minutesHash = createHash('sha256').update(minutes).digest('hex');
			change(
				doc,
				'councilMeeting',
				meeting.id,
				{ minutesHash, finalisedAt: now.toISOString(), finalisedBy: author.id },
				author,
				now
			);
		});
	}

	// Projects, thirty a year, through the workflow; the last year's still under way.
	const adopted = suggestions.filter((s) => s.status === 'adopted');
	for (let i = 0; i < counts.project; i++) {
		const t = when(i, counts.project);
		const year = new Date(t).getUTCFullYear();
		const lines: BudgetLine[] = Array.from({ length: rng.int(1, 5) }, (_, k) => ({
			id: `line-${k + 1}`,
			description: rng.pick(budgetItems),
			amountFen: rng.int(500, 40_000) * 100
		}));
		const from = adopted.filter((s) => s.at < t).slice(-6);
		const project: Project = {
			id: rng.uuid(),
			createdAt: new Date(t).toISOString(),
			createdBy: '',
			communityId: 'tanglian',
			townId: 'jingkai',
			year,
			title: `${rng.pick(estates)}${rng.pick(meetingTopics)}`,
			type: rng.pick(['engineering', 'service', 'goods']),
			summary: sentence(rng.int(2, 5)),
			suggestions: from.length > 0 ? [refTo(rng.pick(from))] : [],
			budget: lines,
			urgent: rng.chance(0.05),
			fastTrack: false,
			status: 'draft',
			progress: []
		};
		schedule(t, (doc, author, now) =>
			add(doc, 'project', { ...project, createdBy: author.id }, author, now)
		);
		// How far it got: older projects are mostly closed, the latest year's are spread out.
		const age = (end - t) / (end - start);
		const reach = Math.min(8, Math.floor(rng.next() * 4 + age * 10));
		const rejected = rng.chance(0.06);
		const returned = rng.chance(0.15);
		const iso = (x: number) => new Date(x).toISOString();
		const edit = (x: number, patch: Partial<Project>) =>
			schedule(x, (doc, author, now) => change(doc, 'project', project.id, patch, author, now));
		// Each step a few days to weeks after the one before.
		let s = t;
		const after = (min: number, max: number) => (s += rng.int(min, max) * day);
		if (reach < 1) continue;
		edit(after(3, 10), { status: 'submitted', submittedAt: iso(s) });
		if (returned) {
			edit(after(4, 8), { status: 'returned', decidedAt: iso(s) });
			edit(after(5, 10), {
				status: 'submitted',
				submittedAt: iso(s),
				summary: `${project.summary}已按审核意见补充预算明细。`
			});
		}
		if (reach < 2) continue;
		edit(after(3, 10), { status: rejected ? 'rejected' : 'approved', decidedAt: iso(s) });
		if (rejected || reach < 3) continue;
		edit(after(7, 30), { status: 'in_progress', startedAt: iso(s) });
		// Progress notes: appended one by one to a list that only grows (as the app does).
		const notes = rng.int(1, 4);
		for (let k = 0; k < notes; k++) {
			after(5, 20);
			const note: Project['progress'][number] = {
				id: `progress-${k + 1}`,
				at: iso(s),
				by: rng.pick(authors).id,
				note: rng.pick(inspectionNotes),
				photos: withPhotos(photoShas(2), s)
			};
			schedule(s, (doc, author, now) =>
				appendToRecord(
					doc,
					'project',
					project.id,
					'progress',
					[note],
					new LocalChange('report-progress', author.id),
					author,
					now
				)
			);
		}
		if (reach < 4) continue;
		after(5, 20);
		edit(s, {
			status: 'completed',
			completedAt: iso(s),
			completion: {
				at: iso(s),
				by: rng.pick(authors).id,
				note: '工程已完工，现场清理完毕',
				photos: withPhotos([rng.hex(64), ...photoShas(2)], s)
			}
		});
		if (reach < 5) continue;
		edit(after(10, 40), { status: 'accepted', acceptedAt: iso(s) });
		if (reach < 6) continue;
		edit(after(10, 40), { status: 'disbursed', disbursedAt: iso(s) });
		if (reach < 7) continue;
		edit(after(10, 40), { status: 'closed', closedAt: iso(s) });
	}

	// Site inspections, with a follow-up note on some.
	for (let i = 0; i < counts.siteInspection; i++) {
		const t = when(i, counts.siteInspection);
		const problemFound = rng.chance(0.2);
		const inspection: SiteInspection = {
			id: rng.uuid(),
			createdAt: new Date(t).toISOString(),
			createdBy: '',
			kind: rng.pick(INSPECTION_KINDS),
			estate: rng.pick(estates),
			visitedAt: new Date(t - rng.int(0, 3) * 3_600_000).toISOString(),
			inspector: rng.pick(names),
			note: `${rng.pick(inspectionNotes)}。${rng.chance(0.5) ? sentence(1) : ''}`,
			problemFound,
			photos: withPhotos(photoShas(2), t)
		};
		schedule(t, (doc, author, now) =>
			add(doc, 'siteInspection', { ...inspection, createdBy: author.id }, author, now)
		);
		if (problemFound) {
			schedule(t + rng.int(7, 30) * day, (doc, author, now) =>
				change(
					doc,
					'siteInspection',
					inspection.id,
					{ note: `${inspection.note}复查：已整改。` },
					author,
					now
				)
			);
		}
	}

	// Photo metadata, as addPhotoMeta writes it when the record is saved.
	for (const { sha, at: t } of photoMeta) {
		schedule(t, (doc, author, now) => {
			const meta: PhotoMeta = {
				sha256: sha,
				mime: 'image/jpeg',
				width: 2048,
				height: 1536,
				size: rng.int(250_000, 420_000),
				takenAt: new Date(t - 600_000).toISOString(),
				addedBy: author.id,
				addedAt: now.toISOString()
			};
			doc.transact(() => photoMetaMap(doc).set(sha, meta), new LocalChange('addPhoto', author.id));
		});
	}

	// Play the five years in order (stable: same-time events keep their scheduling order).
	const docs = tablets();
	const order = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
	for (const { e } of order) {
		const k = rng.int(0, 2);
		e.run(docs[k]!, authors[k]!, new Date(e.at));
	}
	const doc = docs[0]!;
	const update = Y.encodeStateAsUpdate(doc);
	const json = JSON.stringify(plainRecords(doc));
	for (const d of docs) d.destroy();
	return { update, json, counts, transactions: order.length };
}

function add<K extends RecordKind>(
	doc: Y.Doc,
	kind: K,
	record: RecordKinds[K],
	author: Author,
	at: Date
) {
	createRecord(doc, kind, record, new LocalChange(`add-${kind}`, author.id), author, at);
}

function change<K extends RecordKind>(
	doc: Y.Doc,
	kind: K,
	id: string,
	patch: Partial<RecordKinds[K]>,
	author: Author,
	at: Date
) {
	updateRecord(doc, kind, id, patch, new LocalChange(`edit-${kind}`, author.id), author, at);
}

/** Every record as a plain object, as a JSON store would keep them (no edit history). */
export function plainRecords(doc: Y.Doc) {
	const kinds = ['suggestion', 'project', 'councilMeeting', 'siteInspection'] as const;
	const out: Record<string, unknown> = {};
	for (const kind of kinds) {
		const records = readRecords(doc, kind);
		const invalid = records.filter((r) => r.issues.length > 0);
		if (invalid.length > 0) {
			throw new Error(
				`generated ${kind} ${invalid[0]?.id} is invalid: ${invalid[0]?.issues.join('; ')}`
			);
		}
		out[kind] = records.map((r) => r.raw);
	}
	out.minutes = doc.getMap<Y.Text>('minutes').toJSON();
	out.photo = photoMetaMap(doc).toJSON();
	return out;
}
