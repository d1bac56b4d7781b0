import { domainMessage, type DomainMessage } from './errors';
import type { Project } from './records';

/**
 * Residents' satisfaction ratings (满意度; DOMAIN.md, "How other cities run it": Shenzhen rates
 * projects after completion, Zhejiang puts a QR code on site for it). A resident rates a finished
 * project from its public page: 1 to 5 and a short comment, without signing in and without
 * giving a name or a number.
 */

export const RATING_COMMENT_MAX = 200;

/** Once the work is done: completed, accepted, paid or closed. */
export function isRateable(project: Pick<Project, 'status' | 'archived'>): boolean {
	return (
		project.archived !== true &&
		['completed', 'accepted', 'disbursed', 'closed'].includes(project.status)
	);
}

export interface RatingInput {
	readonly score: number;
	readonly comment: string;
}

/** The rating as it will be kept, or every problem with what was sent. */
export function checkRating(
	score: unknown,
	comment: unknown
): { ok: true; value: RatingInput } | { ok: false; problems: DomainMessage[] } {
	const problems: DomainMessage[] = [];
	const n = typeof score === 'string' ? Number(score) : score;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 5) {
		problems.push(
			domainMessage('rating.score', {}, '请选择 1 到 5 分', 'Choose a score from 1 to 5')
		);
	}
	const text = typeof comment === 'string' ? comment.trim() : '';
	if (comment !== undefined && typeof comment !== 'string') {
		problems.push(domainMessage('rating.comment', {}, '评价内容无效', 'The comment is not text'));
	}
	if ([...text].length > RATING_COMMENT_MAX) {
		problems.push(
			domainMessage(
				'rating.tooLong',
				{ max: RATING_COMMENT_MAX },
				`评价最多 ${RATING_COMMENT_MAX} 字`,
				`A comment has at most ${RATING_COMMENT_MAX} characters`
			)
		);
	}
	if (problems.length > 0) return { ok: false, problems };
	return { ok: true, value: { score: n as number, comment: text } };
}

export interface RatingSummary {
	readonly count: number;
	/** The mean score to one decimal, undefined with no ratings. */
	readonly average: number | undefined;
}

export function ratingSummary(count: number, sum: number): RatingSummary {
	return { count, average: count === 0 ? undefined : Math.round((sum / count) * 10) / 10 };
}

/** The summary of single ratings (as the city reads them from the server). */
export function summariseRatings(ratings: readonly { readonly score: number }[]): RatingSummary {
	return ratingSummary(
		ratings.length,
		ratings.reduce((sum, r) => sum + r.score, 0)
	);
}
