import {
	currentDecision,
	checkPayment,
	checkWithdrawal,
	decisionRoomOf,
	explainActions,
	isRateable,
	paidFen,
	PROJECT_TIMESTAMPS,
	reviewClock,
	summariseRatings,
	type Disbursement,
	type ProjectAction,
	type RatingSummary
} from '$lib/domain';
import { cityAuthority, rulesOfYear } from '$lib/store/projects';
import { communityProjects } from '$lib/sync/project-view';
import { fetchRatings } from '$lib/sync/ratings';
import type { Workspace } from '$lib/sync/workspace.svelte';

/** The steps the project page carries out for its community; the town's and city's are decisions. */
const communitySteps: ProjectAction[] = ['submit', 'resubmit', 'start'];
const reviewSteps: ProjectAction[] = ['approve', 'return', 'reject', 'accept', 'close'];

/**
 * What a project's page shows and may do, from the rooms this device keeps: the project as its
 * town, the city and finance see it (wherever its community's room is), its history, payments and
 * current decision, the steps its community may take, the decisions this person may take and in
 * which room, its review clock, and the residents' ratings (read online). The page holds only
 * what is being typed and the commands' progress.
 */
export class ProjectPage {
	/** The comment of a decision being typed (Return and Reject need one). */
	comment = $state('');
	/**
	 * A city role's device keeps only the communities opened so far: a project in another one is
	 * found on the server and its room joined (`locating` meanwhile), then `found` has it.
	 */
	locating = $state<'asking' | 'none' | 'offline'>();
	/** Residents' ratings, kept by the server apart from the rooms. */
	rating = $state<RatingSummary>();

	readonly found = $derived.by(() => {
		const id = this.id();
		for (const { room } of this.workspace.communityRooms) {
			const view = communityProjects(this.workspace, room);
			const stored = view.stored.find((r) => r.id === id);
			if (stored) return { room, view, stored };
		}
		return undefined;
	});

	/** The record's own list of changes, as the devices wrote it (the server's is fetched apart). */
	readonly history = $derived.by(() =>
		this.found ? this.found.room.history('project', this.id()) : []
	);
	readonly project = $derived.by(() => this.found?.stored.record);
	readonly actor = $derived.by(() => this.workspace.actor);
	readonly rules = $derived.by(() => {
		const { found, project } = this;
		return project && found ? rulesOfYear(found.view.rules, project.year) : undefined;
	});
	/** Finance's payments of this project (the finance room alone holds payments). */
	readonly payments = $derived.by(() => {
		const { payments } = cityAuthority({ finance: this.workspace.financeRoom });
		return payments.filter((d) => d.project.id === this.id());
	});
	readonly paid = $derived.by(() => paidFen(this.id(), this.payments));
	/** What the workflow's rules need to say what may happen next. */
	readonly context = $derived.by(() => {
		const { rules, found } = this;
		return rules && found
			? { rules, communityProjects: found.view.valid, disbursements: this.payments }
			: undefined;
	});
	/** The town's decision on the latest submission, from the town's room. */
	readonly decision = $derived.by(() => {
		const { found, project } = this;
		const town = found ? this.workspace.townRoomOf(found.room) : undefined;
		return town && project ? currentDecision(project, town.valid('reviewDecision')) : undefined;
	});
	readonly canWrite = $derived.by(() => this.found?.room.access === 'write');
	/** The community's next steps, each with why it may not be taken yet. */
	readonly options = $derived.by(() => {
		const { project, actor, context } = this;
		return project && actor && context && this.canWrite
			? explainActions(project, actor, context).filter((o) => communitySteps.includes(o.action))
			: [];
	});
	readonly breach = $derived.by(
		() => this.found?.view.breaches.filter((b) => b.projectIds.includes(this.id())) ?? []
	);
	/**
	 * The room this person's decisions go to (`decisionRoomOf`): the town's reviewer decides in
	 * the town's room, a city supervisor closes a paid file in the city's.
	 */
	readonly deciderRoom = $derived.by(() => {
		const { found, actor } = this;
		const room =
			found && actor && decisionRoomOf(actor.role, this.workspace.placeOf(found.room).townId);
		return room ? this.workspace.rooms.get(room) : undefined;
	});
	/**
	 * The decisions this person may take now. Return and Reject are offered with the others even
	 * before a comment is typed (choosing one asks for it); a refused approval is shown to the
	 * reviewer with its reasons (a cap, say).
	 */
	readonly reviewOptions = $derived.by(() => {
		const { project, actor, context } = this;
		if (!project || !actor || !context || this.deciderRoom?.access !== 'write') return [];
		return explainActions(project, actor, { ...context, comment: this.comment }).flatMap((o) => {
			if (!reviewSteps.includes(o.action)) return [];
			const onlyComment = !o.ok && o.reasons.every((r) => r.code === 'workflow.commentRequired');
			if (o.ok || onlyComment) return [{ ...o, ok: true as const, needsComment: onlyComment }];
			if (o.action === 'approve' && actor.role === 'reviewer')
				return [{ ...o, needsComment: false }];
			return [];
		});
	});
	/** Finance may pay now (`checkPayment` with no amount yet). */
	readonly mayPay = $derived.by(() => {
		const { project, actor } = this;
		return (
			!!project &&
			!!actor &&
			this.workspace.financeRoom?.access === 'write' &&
			checkPayment(project, undefined, actor, this.payments).length === 0
		);
	});
	/** The town's review clock of a submitted project. */
	readonly clock = $derived.by(() => {
		const { project, rules } = this;
		return project?.status === 'submitted' && project.submittedAt && rules
			? reviewClock(project.submittedAt, this.workspace.now().toISOString(), rules)
			: undefined;
	});
	/** The community whose residents may rate this project (finished work), if any. */
	readonly rateableIn = $derived.by(() => {
		const project = this.project;
		return project && isRateable(project) ? project.communityId : undefined;
	});
	/** Changed on this device and not on the server yet (a submission the town cannot see). */
	readonly unsent = $derived.by(() =>
		this.found ? this.workspace.isUnsent(this.found.room, 'project', this.id()) : false
	);
	readonly dates = $derived.by(() => {
		const project = this.project;
		return project
			? PROJECT_TIMESTAMPS.flatMap((k) =>
					project[k] ? [{ key: k, at: project[k] as string }] : []
				)
			: [];
	});

	constructor(
		readonly workspace: Workspace,
		readonly id: () => string
	) {
		$effect(() => {
			if (this.found || !workspace.readsCityFromServer || !id()) return;
			let live = true;
			this.locating = 'asking';
			workspace
				.joinProjectRoom(id())
				.then((room) => {
					if (live && !room) this.locating = 'none';
				})
				.catch(() => {
					if (live) this.locating = 'offline';
				});
			return () => (live = false);
		});
		$effect(() => {
			// A string, compared by value: a project decoded anew on every change in its rooms does
			// not ask the server again.
			const community = this.rateableIn;
			const token = workspace.session?.token;
			const projectId = id();
			void workspace.online;
			if (!community) return;
			let current = true;
			void fetchRatings(token, { community }).then((r) => {
				if (!current || !r.ok) return;
				this.rating = summariseRatings(r.ratings.filter((x) => x.projectId === projectId));
			});
			return () => {
				current = false;
			};
		});
	}

	/** Finance may withdraw a payment entered by mistake, with a reason (`checkWithdrawal`). */
	mayWithdraw(payment: Disbursement): boolean {
		const { project, actor } = this;
		return (
			!!project &&
			!!actor &&
			this.workspace.financeRoom?.access === 'write' &&
			checkWithdrawal(project, payment, actor).length === 0
		);
	}
}
