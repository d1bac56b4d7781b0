import { projectBudgetFen } from './budget';
import type { Fen } from './money';
import type { Project, ProjectStatus } from './records';

/**
 * What residents may see of a project without signing in (DOMAIN.md: residents "take part in
 * and watch the whole process"; Shenzhen posts a public notice, 公示, at every stage; the project
 * sign's QR code opens this). A project is public once the town approved it. Drafts, projects
 * under review, returned and rejected ones, and archived ones are not.
 *
 * The view is an allow-list: it copies named fields only, so a field a newer app adds to projects
 * never leaks by default. Left out on purpose: who created it, the suggestions it came from (they
 * lead to residents' names and phones), and anything internal.
 */

export const PUBLIC_PROJECT_STATUSES: readonly ProjectStatus[] = [
	'approved',
	'in_progress',
	'completed',
	'accepted',
	'disbursed',
	'closed'
];

export function isPublicProject(project: Pick<Project, 'status' | 'archived'>): boolean {
	return project.archived !== true && PUBLIC_PROJECT_STATUSES.includes(project.status);
}

export interface PublicProjectView {
	readonly id: string;
	readonly communityId: string;
	readonly townId: string;
	readonly year: number;
	readonly title: string;
	readonly type: string;
	readonly summary: string;
	readonly status: ProjectStatus;
	readonly budgetFen: Fen;
	readonly budget: readonly { readonly description: string; readonly amountFen: Fen }[];
	readonly dates: {
		readonly submittedAt?: string;
		readonly decidedAt?: string;
		readonly startedAt?: string;
		readonly completedAt?: string;
		readonly acceptedAt?: string;
	};
	readonly progress: readonly {
		readonly at: string;
		readonly note: string;
		readonly photos: readonly string[];
	}[];
	readonly completion?: {
		readonly at: string;
		readonly note: string;
		readonly photos: readonly string[];
	};
}

/** The public view of a public project, or undefined for one that is not public. */
export function publicProjectView(project: Project): PublicProjectView | undefined {
	if (!isPublicProject(project)) return undefined;
	const dates: Record<string, string> = {};
	for (const key of [
		'submittedAt',
		'decidedAt',
		'startedAt',
		'completedAt',
		'acceptedAt'
	] as const) {
		const value = project[key];
		if (value !== undefined) dates[key] = value;
	}
	return {
		id: project.id,
		communityId: project.communityId,
		townId: project.townId,
		year: project.year,
		title: project.title,
		type: project.type,
		summary: project.summary,
		status: project.status,
		budgetFen: projectBudgetFen(project),
		budget: project.budget.map((l) => ({ description: l.description, amountFen: l.amountFen })),
		dates,
		progress: project.progress
			.map((u) => ({ at: u.at, note: u.note, photos: [...u.photos] }))
			.sort((a, b) => a.at.localeCompare(b.at)),
		...(project.completion
			? {
					completion: {
						at: project.completion.at,
						note: project.completion.note,
						photos: [...project.completion.photos]
					}
				}
			: {})
	};
}

/** The photos a public page may serve: those of its progress reports and its completion. */
export function publicPhotos(view: PublicProjectView): Set<string> {
	return new Set([...view.progress.flatMap((u) => u.photos), ...(view.completion?.photos ?? [])]);
}

/**
 * The address of a project's public page (`/p/<community>/<project>`), printed with its QR code on
 * the sign: under the server's PUBLIC_URL when it has one, else the address the printing device
 * used (which a resident's phone may not reach: a tablet on the office network, a test port).
 */
export function publicProjectUrl(base: string, communityId: string, projectId: string): string {
	const root = base.replace(/\/+$/, '');
	return `${root}/p/${encodeURIComponent(communityId)}/${encodeURIComponent(projectId)}`;
}
