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
});
