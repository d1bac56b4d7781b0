import { describe, expect, it, vi } from 'vitest';
import { en } from '$lib/i18n/en';
import { zhCN, type MessageKey } from '$lib/i18n/zh-cn';
import { DEFAULT_INSPECTION_CHECKLIST } from '$lib/domain';
import {
	defaultLocale,
	fillPlaceholders,
	loadDictionary,
	localeStorageKey,
	parseLocale,
	pickLocale,
	translate
} from '$lib/i18n/locale';
import { I18n } from '$lib/i18n/i18n.svelte';

function memoryStorage(initial: Record<string, string> = {}) {
	const values = new Map(Object.entries(initial));
	return {
		values,
		getItem: (key: string) => values.get(key) ?? null,
		setItem: (key: string, value: string) => void values.set(key, value)
	};
}

describe('language choice', () => {
	it('reads the tags people and links use', () => {
		expect(parseLocale('en')).toBe('en');
		expect(parseLocale('EN-gb')).toBe('en');
		expect(parseLocale('zh')).toBe('zh-CN');
		expect(parseLocale('zh-Hans')).toBe('zh-CN');
		expect(parseLocale(' zh-CN ')).toBe('zh-CN');
		expect(parseLocale('fr')).toBeUndefined();
		expect(parseLocale('')).toBeUndefined();
		expect(parseLocale(null)).toBeUndefined();
	});

	it('is Chinese unless a link or the remembered choice says otherwise', () => {
		expect(defaultLocale).toBe('zh-CN');
		expect(pickLocale(null, null)).toBe('zh-CN');
		expect(pickLocale(null, 'en')).toBe('en');
		expect(pickLocale('zh', 'en')).toBe('zh-CN');
		expect(pickLocale('en', 'zh-CN')).toBe('en');
		expect(pickLocale('klingon', 'en')).toBe('en');
	});

	it('remembers a ?lang= link and the switch, and survives storage that throws', async () => {
		const storage = memoryStorage();
		const i18n = new I18n();
		await i18n.init(new URL('http://x/projects?lang=en'), storage);
		expect(i18n.locale).toBe('en');
		expect(storage.values.get(localeStorageKey)).toBe('en');

		const next = new I18n();
		await next.init(new URL('http://x/'), storage);
		expect(next.locale).toBe('en');
		await next.toggle();
		expect(next.locale).toBe('zh-CN');
		expect(storage.values.get(localeStorageKey)).toBe('zh-CN');
		expect(next.t('nav.projects')).toBe('项目');

		const broken = {
			getItem: () => {
				throw new Error('denied');
			},
			setItem: () => {
				throw new Error('denied');
			}
		};
		const safe = new I18n();
		await expect(safe.init(new URL('http://x/?lang=en'), broken)).resolves.toBeUndefined();
		expect(safe.locale).toBe('en');
		await expect(safe.toggle()).resolves.toBeUndefined();
	});
});

describe('dictionaries', () => {
	it('have the same keys and no empty text', () => {
		expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
		for (const dictionary of [zhCN, en]) {
			for (const [key, text] of Object.entries(dictionary)) {
				expect(text.trim(), key).not.toBe('');
			}
		}
	});

	it('load English only when it is chosen, and speak Chinese until then', async () => {
		// The Chinese first load does not carry the English words (issue 14, item 12): a module
		// as the app first loads it, before any language was chosen here.
		vi.resetModules();
		const fresh = await import('$lib/i18n/locale');
		expect(Object.keys(fresh.dictionaries)).toEqual(['zh-CN']);
		expect(fresh.translate('en', 'nav.projects')).toBe('项目');
		await fresh.loadDictionary('en');
		expect(fresh.translate('en', 'nav.projects')).toBe('Projects');
	});

	it('stay in Chinese, or in the language shown, when the English words cannot be fetched', async () => {
		vi.resetModules();
		vi.doMock('$lib/i18n/en', () => {
			throw new TypeError('Failed to fetch dynamically imported module');
		});
		try {
			const { I18n: Fresh } = await import('$lib/i18n/i18n.svelte');
			const storage = memoryStorage();
			const shown = new Fresh();
			await shown.init(new URL('http://x/?lang=en'), storage);
			expect(shown.locale).toBe('zh-CN');
			expect(shown.t('nav.projects')).toBe('项目');
			// Remembered all the same: the next start with the words at hand is in English.
			expect(storage.values.get(localeStorageKey)).toBe('en');
			await shown.toggle();
			expect(shown.locale).toBe('zh-CN');
		} finally {
			vi.doUnmock('$lib/i18n/en');
			vi.resetModules();
		}
	});

	it('use the English words of DESIGN.md exactly', async () => {
		await loadDictionary('en');
		expect(translate('en', 'nav.suggestions')).toBe('Suggestions');
		expect(translate('en', 'nav.meetings')).toBe('Meetings');
		expect(translate('en', 'nav.projects')).toBe('Projects');
		expect(translate('en', 'nav.inspections')).toBe('Inspections');
		expect(translate('en', 'nav.review')).toBe('Review');
		expect(translate('en', 'nav.supervision')).toBe('Supervision');
		expect(translate('en', 'nav.dashboard')).toBe('Dashboard');
		expect(translate('en', 'network.offline')).toBe('Offline');
	});

	it('fill placeholders and leave a missing one visible', () => {
		expect(fillPlaceholders('{n} 条待发送', { n: 3 })).toBe('3 条待发送');
		expect(fillPlaceholders('a {count} b {missing}', { count: 0 })).toBe('a 0 b {missing}');
		// The word for the number: one, or any other (zero included).
		const waiting = '{n} {n|record|records}, {p} {p|photo|photos}';
		expect(fillPlaceholders(waiting, { n: 1, p: 0 })).toBe('1 record, 0 photos');
		expect(fillPlaceholders(waiting, { n: 3, p: 1 })).toBe('3 records, 1 photo');
		expect(fillPlaceholders('{x|a|b}', {})).toBe('{x|a|b}');
		expect(fillPlaceholders('{a}{a}', { a: 'x' })).toBe('xx');
		expect(translate('zh-CN', 'nav.projects', { unused: 1 })).toBe('项目');
	});
});

describe('the inspection checklist’s words', () => {
	it('name what is checked, never a negation that "Fail" would turn into a double one', () => {
		for (const item of DEFAULT_INSPECTION_CHECKLIST) {
			const key = `check.${item}` as MessageKey;
			// "无安全隐患：有问题" (no safety risk: a problem) read as its opposite.
			expect(zhCN[key], key).not.toMatch(/^[无不非没]/);
			expect(en[key], key).not.toMatch(/^(No|Not|Never)\b/);
		}
	});
});
