import type { MessageKey } from './zh-cn';

/**
 * The English dictionary. The navigation and form words are fixed by DESIGN.md ("The English UI's
 * words"): tests drive the app by them, so they are used exactly.
 */
export const en: Record<MessageKey, string> = {
	'app.name': 'Kuaiban',
	'app.tagline': 'Micro-projects',
	'app.skipToContent': 'Skip to content',
	'nav.label': 'Main navigation',
	'nav.home': 'Home',
	'nav.suggestions': 'Suggestions',
	'nav.meetings': 'Meetings',
	'nav.projects': 'Projects',
	'nav.inspections': 'Inspections',
	'nav.review': 'Review',
	'nav.supervision': 'Supervision',
	'nav.dashboard': 'Dashboard',
	'lang.switchTo': '中文',
	'lang.switchLabel': 'Switch to Chinese',
	'network.offline': 'Offline',
	'network.offlineHint': 'No network: keep working, everything is saved on this device.',
	'update.available': 'A new version is available.',
	'update.reload': 'New version — reload',
	'update.later': 'Later',
	'update.hint': 'Save what you are typing first.',
	'home.title': 'What to do today',
	'home.intro':
		'Residents order, the government pays: collect suggestions, deliberate in council, then submit, review, carry out and supervise projects.',
	'home.offlineReady':
		'This app works offline: record where there is no signal, it syncs when the network is back.',
	'home.offlineNotReady': 'After this first visit the app works offline.',
	'suggestions.title': 'Suggestions',
	'suggestions.intro':
		"Residents' suggestions from WeChat groups, council meetings, door-to-door visits and the hotline.",
	'meetings.title': "Residents' council meetings",
	'meetings.intro': 'Agenda, attendance, votes and minutes of council meetings.',
	'projects.title': 'Projects',
	'projects.intro':
		'Engineering and service projects made from suggestions: budget, submission, review, work, completion.',
	'inspections.title': 'Site inspections',
	'inspections.intro':
		'Visit project sites, record progress and problems with photos, follow rectification.',
	'review.title': 'Review',
	'review.intro':
		'The town reviews the projects its communities submit: within 10 working days, small and urgent ones at once.',
	'supervision.title': 'Supervision',
	'supervision.intro':
		'Monthly progress reports, the annual follow-up spot-check and rectification.',
	'dashboard.title': 'Dashboard',
	'dashboard.intro': 'Suggestions, projects, budgets and community coverage across the city.',
	'page.emptyTitle': 'Nothing here yet',
	'page.emptyBody': 'This part of the app is being built and comes in a later version.',
	'notFound.title': 'Page not found',
	'notFound.back': 'Back to home'
};
