import { zhCN, type MessageKey } from './zh-cn';

export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

/** Chinese first: the programme's people work in Chinese; English is a switch away. */
export const defaultLocale: Locale = 'zh-CN';

/** Where the chosen language is remembered on the device. */
export const localeStorageKey = 'kuaiban.locale';

type Dictionary = Record<MessageKey, string>;

/**
 * The dictionaries loaded so far. Chinese comes with the app; English is loaded when chosen
 * (`loadDictionary`), so that the Chinese first load does not carry it.
 */
export const dictionaries: Partial<Record<Locale, Dictionary>> = { 'zh-CN': zhCN };

const loaders: Record<Locale, () => Promise<Dictionary>> = {
	'zh-CN': async () => zhCN,
	en: async () => (await import('./en')).en
};

/** Makes a language's words available to `translate`; once per language. */
export async function loadDictionary(locale: Locale): Promise<void> {
	dictionaries[locale] ??= await loaders[locale]();
}

/** Reads a language tag as typed by a person or a link (`?lang=en`, `zh`, `zh-Hans`, `EN-gb`). */
export function parseLocale(value: string | null | undefined): Locale | undefined {
	const tag = value?.trim().toLowerCase();
	if (!tag) return undefined;
	if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
	if (tag === 'en' || tag.startsWith('en-')) return 'en';
	return undefined;
}

/** A link's `?lang=` wins over the remembered choice, which wins over the default. */
export function pickLocale(query: string | null | undefined, stored: string | null | undefined) {
	return parseLocale(query) ?? parseLocale(stored) ?? defaultLocale;
}

export type MessageParams = Record<string, string | number>;

/**
 * Fills a message's `{name}` placeholders, and `{name|one|many}` with the word for its number
 * (English plurals: `{n} {n|record|records}`). A placeholder with no value is left visible rather
 * than blanked, so a missing parameter shows in the UI instead of hiding.
 */
export function fillPlaceholders(text: string, params: MessageParams): string {
	return text
		.replace(
			/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g,
			(whole, name: string, one: string, many: string) =>
				name in params ? (Number(params[name]) === 1 ? one : many) : whole
		)
		.replace(/\{(\w+)\}/g, (whole, name: string) =>
			name in params ? String(params[name]) : whole
		);
}

/** Whether `key` names a message (for keys made from data, such as a record's field names). */
export function isMessageKey(key: string): key is MessageKey {
	return Object.hasOwn(zhCN, key);
}

/** A message in a language; in Chinese while that language's words are not loaded. */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
	const text = (dictionaries[locale] ?? zhCN)[key];
	return params ? fillPlaceholders(text, params) : text;
}

const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();

/**
 * A time for people: in the device's time zone, in the UI's language. One formatter per language:
 * making one costs far more than using it, and a list formats hundreds of times.
 */
export function formatDateTime(locale: Locale, iso: string): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return iso;
	let format = dateTimeFormats.get(locale);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
		dateTimeFormats.set(locale, format);
	}
	return format.format(date);
}

/** A size in bytes as people read it (KB, MB, GB). */
export function formatBytes(locale: Locale, bytes: number): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	const digits = unit === 0 || value >= 100 ? 0 : 1;
	return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
