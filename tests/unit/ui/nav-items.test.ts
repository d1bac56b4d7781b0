import { describe, expect, it } from 'vitest';
import { isCurrent, navItems } from '$lib/ui/nav/nav-items';

describe('navigation', () => {
	it('has the sections of DESIGN.md in order', () => {
		expect(navItems.map((item) => item.label)).toEqual([
			'nav.suggestions',
			'nav.meetings',
			'nav.projects',
			'nav.inspections',
			'nav.review',
			'nav.supervision',
			'nav.money',
			'nav.dashboard'
		]);
	});

	it('marks a section current on its page and the pages below it only', () => {
		const projects = navItems.find((item) => item.href === '/projects');
		if (!projects) throw new Error('no projects item');
		expect(isCurrent(projects, '/projects')).toBe(true);
		expect(isCurrent(projects, '/projects/abc')).toBe(true);
		expect(isCurrent(projects, '/projectsx')).toBe(false);
		expect(isCurrent(projects, '/')).toBe(false);
	});

	it('marks the section a page was reached from instead (a project opened from the queue)', () => {
		const [projects, review] = ['/projects', '/review'].map((href) =>
			navItems.find((item) => item.href === href)
		);
		if (!projects || !review) throw new Error('no items');
		expect(isCurrent(review, '/projects/abc', 'review')).toBe(true);
		expect(isCurrent(projects, '/projects/abc', 'review')).toBe(false);
		// An unknown origin changes nothing.
		expect(isCurrent(projects, '/projects/abc', 'elsewhere')).toBe(true);
	});
});
