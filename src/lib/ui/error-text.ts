import { DomainError, TransitionRefusedError } from '$lib/domain';
import { InvalidRecordError } from '$lib/doc/records';
import { i18n, t } from '$lib/i18n/i18n.svelte';
import { StorageFullError } from '$lib/store/db';
import { AskError } from '$lib/sync/server-answers';

/**
 * What a screen says when a command or a question fails: the one place an error becomes words.
 * A step the rules refuse gives its reasons; any other refusal of the domain its own message (it
 * carries both languages); a record its validator refuses the fields at fault; a full device, an
 * unreachable server or a part of the app that could not be fetched what to do about it.
 * Anything else is a fault of the app: its text is shown as it is, so that it can be reported,
 * and logged.
 */
export function errorText(error: unknown): string {
	if (error instanceof TransitionRefusedError) {
		return error.reasons.map((r) => i18n.domain(r)).join('; ');
	}
	if (error instanceof DomainError) return i18n.domain(error.toMessage());
	if (error instanceof InvalidRecordError) return error.issues.join('; ');
	if (error instanceof StorageFullError) return t('storage.full');
	if (error instanceof AskError) {
		if (error.reason === 'busy')
			return t('figures.busy', { seconds: error.retryAfterSeconds ?? 10 });
		return t(error.reason === 'offline' ? 'figures.offlineNone' : 'figures.failed');
	}
	console.error(error);
	// A part of the app fetched when first used could not be (offline before it was ever kept):
	// Chromium's and WebKit's words for it.
	if (/dynamically imported module|Importing a module script failed/.test(String(error))) {
		return t('session.failed.not-loaded');
	}
	return String(error);
}
