import {
	defaultLocale,
	formatBytes,
	formatDateTime,
	isMessageKey,
	loadDictionary,
	localeStorageKey,
	parseLocale,
	pickLocale,
	translate,
	type Locale,
	type MessageParams
} from './locale';
import type { MessageKey } from './zh-cn';

/** Storage that may be missing or refuse (private mode, full disk): the choice then lasts a visit. */
type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function safeGet(storage: KeyValueStore | undefined): string | null {
	try {
		return storage?.getItem(localeStorageKey) ?? null;
	} catch {
		return null;
	}
}

function safeSet(storage: KeyValueStore | undefined, locale: Locale) {
	try {
		storage?.setItem(localeStorageKey, locale);
	} catch {
		// Remembering the language is a convenience; the app works without it.
	}
}

async function loaded(locale: Locale): Promise<boolean> {
	try {
		await loadDictionary(locale);
		return true;
	} catch (error) {
		console.error(error);
		return false;
	}
}

/** The UI language: one reactive value that every visible string goes through. */
export class I18n {
	locale = $state<Locale>(defaultLocale);
	#storage: KeyValueStore | undefined;

	constructor(storage?: KeyValueStore) {
		this.#storage = storage;
	}

	/**
	 * Chooses the language at start: `?lang=` (and remembers it), else the remembered one; done
	 * once its words are loaded, so that nothing shows in another language first.
	 */
	async init(url: URL, storage: KeyValueStore | undefined): Promise<void> {
		this.#storage = storage;
		const query = url.searchParams.get('lang');
		const locale = pickLocale(query, safeGet(storage));
		if (parseLocale(query)) safeSet(storage, locale);
		// Words that cannot be fetched (offline before the app was ever kept whole): Chinese.
		this.locale = (await loaded(locale)) ? locale : defaultLocale;
	}

	/**
	 * Switches to a language once its words are loaded, and remembers it; stays in the current
	 * one if they cannot be fetched.
	 */
	async set(locale: Locale): Promise<void> {
		if (!(await loaded(locale))) return;
		this.locale = locale;
		safeSet(this.#storage, locale);
	}

	toggle(): Promise<void> {
		return this.set(this.locale === 'en' ? 'zh-CN' : 'en');
	}

	t = (key: MessageKey, params?: MessageParams): string => translate(this.locale, key, params);

	dateTime = (iso: string): string => formatDateTime(this.locale, iso);

	/** A message of the domain core (refusals, rule errors), which carries both languages. */
	domain = (message: { zh: string; en: string }): string =>
		this.locale === 'en' ? message.en : message.zh;

	bytes = (n: number): string => formatBytes(this.locale, n);

	/** A project's type on screen: the dictionary's word for the built-in ones, a city's own as written. */
	projectType = (value: string): string =>
		value === 'engineering' || value === 'service' || value === 'goods'
			? this.t(`project.type.${value}`)
			: value;

	/** A record's field on screen: the message `<prefix>.<field>` when there is one, else its name. */
	field = (prefix: string, field: string): string => {
		const key = `${prefix}.${field}`;
		return isMessageKey(key) ? this.t(key) : field;
	};
}

export const i18n = new I18n();
export const t = i18n.t;
