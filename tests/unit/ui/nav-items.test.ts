import { describe, expect, it } from 'vitest';
import { roles } from '$lib/domain';
import { isCurrent, navItems, sectionsFor } from '$lib/ui/nav/nav-items';

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

	it('shows each role only the sections of its work, five at most (a phone’s bottom bar)', () => {
		const of = (role: Parameters<typeof sectionsFor>[0]) => sectionsFor(role).map((i) => i.href);
		expect(of('worker')).toEqual(['/suggestions', '/meetings', '/projects', '/inspections']);
		expect(of('reviewer')).toContain('/review');
		expect(of('worker')).not.toContain('/review');
		expect(of('finance')).toEqual(['/projects', '/money', '/dashboard']);
		expect(of('supervisor')).toContain('/supervision');
		for (const role of roles) expect(of(role).length, role).toBeLessThanOrEqual(5);
		expect(of(undefined)).toEqual([]);
	});
});
