import type { RouteId } from '$app/types';
import type { Role } from '$lib/domain';
import type { MessageKey } from '$lib/i18n/zh-cn';

/** The sections: top-level routes without parameters. */
export type SectionRoute = Extract<
	RouteId,
	| '/suggestions'
	| '/meetings'
	| '/projects'
	| '/inspections'
	| '/review'
	| '/supervision'
	| '/money'
	| '/dashboard'
>;

export interface NavItem {
	href: SectionRoute;
	label: MessageKey;
	icon: string;
	/** The roles whose work the section holds: the menu shows a person only theirs. */
	roles: readonly Role[];
}

/**
 * The sections of DESIGN.md's navigation, in the order a community's work flows. A worker keeps
 * to the community's own work; a reviewer reads its communities' suggestions, projects and
 * inspections and decides in Review (the council's votes are on each project's page); the
 * city's roles look at projects, money and figures. At most five each: a phone's bottom bar.
 */
export const navItems: readonly NavItem[] = [
	{
		href: '/suggestions',
		label: 'nav.suggestions',
		icon: 'M4 5h16v11H8l-4 4z',
		roles: ['worker', 'reviewer']
	},
	{
		href: '/meetings',
		label: 'nav.meetings',
		icon: 'M4 19v-2a4 4 0 0 1 8 0v2M8 9a3 3 0 1 0 0-.01M14 19v-2a4 4 0 0 1 6-3.5M17 9a2.5 2.5 0 1 0 0-.01',
		roles: ['worker']
	},
	{
		href: '/projects',
		label: 'nav.projects',
		icon: 'M4 7h16v12H4zM9 7V4h6v3',
		roles: ['worker', 'reviewer', 'supervisor', 'finance', 'admin']
	},
	{
		href: '/inspections',
		label: 'nav.inspections',
		icon: 'M11 4a7 7 0 1 0 0 14a7 7 0 0 0 0-14zM16 16l4 4',
		roles: ['worker', 'reviewer', 'supervisor']
	},
	{ href: '/review', label: 'nav.review', icon: 'M5 12l4 4l10-10', roles: ['reviewer'] },
	{
		href: '/supervision',
		label: 'nav.supervision',
		icon: 'M12 3l8 4v5c0 5-3.5 8-8 9c-4.5-1-8-4-8-9V7z',
		roles: ['supervisor', 'admin']
	},
	{
		href: '/money',
		label: 'nav.money',
		icon: 'M3 7h18v10H3zM12 9.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 0 0 0-5M6 10v4M18 10v4',
		roles: ['supervisor', 'finance']
	},
	{
		href: '/dashboard',
		label: 'nav.dashboard',
		icon: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
		roles: ['reviewer', 'supervisor', 'finance', 'admin']
	}
];

/** The sections a person in `role` uses, in the menu's order. */
export function sectionsFor(role: Role | undefined): NavItem[] {
	return role ? navItems.filter((item) => item.roles.includes(role)) : [];
}

/**
 * A section is current on its own page and on every page below it (`/projects/abc`), unless the
 * page was reached from another section's list (`?from=review`): then that section is.
 */
export function isCurrent(item: NavItem, pathname: string, from?: string | null): boolean {
	const origin = from ? navItems.find((i) => i.href === `/${from}`) : undefined;
	if (origin) return origin === item;
	return pathname === item.href || pathname.startsWith(`${item.href}/`);
}
