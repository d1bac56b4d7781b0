import type { Page } from 'playwright-core';
import { openSection } from './tablet';

/** A worker's steps of community work through the UI, shared by the e2e tests. */

export async function addSuggestion(page: Page, title: string): Promise<void> {
	await openSection(page, 'Suggestions');
	await page.getByRole('link', { name: 'New suggestion' }).click();
	await page.getByLabel('Title').fill(title);
	await page.getByRole('button', { name: 'Save' }).click();
	await page.locator('article.suggestion').waitFor();
}

/** Records a vote on the agenda item whose text holds `title`; returns that item. */
export async function vote(page: Page, title: string, votes: [string, string, string]) {
	const item = page.locator('li.item', { hasText: title });
	await item.getByLabel('For').fill(votes[0]);
	await item.getByLabel('Against').fill(votes[1]);
	await item.getByLabel('Abstain').fill(votes[2]);
	await item.getByRole('button', { name: 'Record vote' }).click();
	return item;
}
