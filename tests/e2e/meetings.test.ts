import { describe, expect, inject, it } from 'vitest';
import { seriousFindings } from './helpers/axe';
import { addSuggestion, vote } from './helpers/community';
import { confirmStep, openSection, signIn, useTablets, waitSynced } from './helpers/tablet';

/**
 * Issue "community work", meetings: a council meeting held offline, minutes typed on two tablets
 * at once, one agenda item passing and one failing, the passed one becoming a project.
 */

const tablets = useTablets(inject('baseURL'));

describe('a residents’ council meeting', () => {
	it('is held offline, its minutes typed on two tablets at once, and a passed item becomes a project', async () => {
		const a = await tablets.tablet();
		const b = await tablets.tablet();
		await signIn(a.page, 'tanglian-1');
		await signIn(b.page, 'tanglian-2');
		await addSuggestion(a.page, '会议议题：电动车充电');
		await addSuggestion(a.page, '会议议题：广场舞音量');
		await waitSynced(a.page);
		await a.page.waitForFunction(() => navigator.serviceWorker?.controller != null);

		// In the basement: no network.
		await a.goOffline();
		await openSection(a.page, 'Meetings');
		await a.page.getByRole('link', { name: 'New meeting' }).click();
		await a.page.getByLabel('Topic').fill('十一月居民议事会');
		await a.page.getByLabel('Place').fill('地下活动室');
		await a.page.getByLabel('Names (separated by commas)').fill('高丽萍，王建国，李秀英');
		await a.page.getByLabel('Head count').fill('9');
		await a.page.getByLabel('Council members').fill('15');
		await a.page.getByLabel('会议议题：电动车充电').check();
		await a.page.getByLabel('会议议题：广场舞音量').check();
		await a.page.getByRole('button', { name: 'Save' }).click();
		await a.page.locator('article.meeting').waitFor();

		const passed = await vote(a.page, '电动车充电', ['7', '1', '1']);
		await expect.poll(() => passed.getByTestId('outcome').innerText()).toMatch(/^Passed/);
		const failed = await vote(a.page, '广场舞音量', ['2', '6', '1']);
		await expect.poll(() => failed.getByTestId('outcome').innerText()).toMatch(/^Failed/);

		const minutesA = a.page.getByRole('textbox', { name: 'Minutes' });
		await minutesA.click();
		await a.page.keyboard.type('## 会议纪要\n');

		// Back upstairs: the second tablet opens the same meeting and both type at once.
		await a.goOnline();
		await waitSynced(a.page);
		await waitSynced(b.page);
		await openSection(b.page, 'Meetings');
		await b.page.getByRole('link', { name: '十一月居民议事会' }).click();
		const minutesB = b.page.getByRole('textbox', { name: 'Minutes' });
		await expect.poll(() => minutesB.inputValue()).toBe('## 会议纪要\n');
		await minutesB.click();
		await b.page.keyboard.press('End');
		await minutesB.press('Control+End');
		await minutesA.press('Control+End');
		await Promise.all([
			a.page.keyboard.type('- 电动车充电：通过，建立项目\n', { delay: 15 }),
			b.page.keyboard.type('- 出席 9 人，列席 2 人\n', { delay: 15 })
		]);
		// Both tablets come to the same text (the last keystrokes may still be on their way), each
		// person's line whole: neither tablet's words are cut into by the other's.
		const lines = ['## 会议纪要', '- 电动车充电：通过，建立项目', '- 出席 9 人，列席 2 人', ''];
		await expect
			.poll(async () => {
				const [textA, textB] = [await minutesA.inputValue(), await minutesB.inputValue()];
				return textA === textB ? textA.split('\n').sort() : { textA, textB };
			})
			.toEqual([...lines].sort());
		for (const page of [a.page, b.page]) {
			await expect
				.poll(() => page.getByTestId('minutes-preview').innerText())
				.toMatch(/电动车充电：通过，建立项目[\s\S]*出席 9 人|出席 9 人[\s\S]*电动车充电：通过/);
		}

		await a.page.getByRole('button', { name: 'Finalise minutes' }).click();
		await confirmStep(a.page);
		await expect.poll(() => a.page.getByTestId('finalised').innerText()).toMatch(/^Finalised by/);
		await expect.poll(() => b.page.getByTestId('finalised').innerText()).toMatch(/^Finalised by/);
		expect(await b.page.getByRole('textbox', { name: 'Minutes' }).count()).toBe(0);
		expect(await seriousFindings(a.page)).toEqual([]);

		// The passed item becomes a project draft made from its suggestion.
		await a.page
			.locator('li.item', { hasText: '电动车充电' })
			.getByRole('link', { name: 'Make a project' })
			.click();
		await expect.poll(() => a.page.getByLabel('Title').inputValue()).toBe('会议议题：电动车充电');
		expect(await a.page.getByLabel('会议议题：电动车充电').isChecked()).toBe(true);
		await a.page.getByRole('button', { name: 'Add line item' }).click();
		await a.page.getByLabel('Amount (yuan)').fill('30000');
		await a.page.getByRole('button', { name: 'Save' }).click();
		await a.page.locator('article.project').waitFor();
		expect(await a.page.getByTestId('project-status').innerText()).toBe('Draft');
		expect(await a.page.locator('li.item').count()).toBe(0);
		// Made from a suggestion the council passed: nothing missing behind it.
		await a.page.getByTestId('allowance').waitFor();
		expect(await a.page.getByTestId('deliberation-warnings').count()).toBe(0);

		// The suggestion now has its project: a second project is not offered it (paying twice for
		// one request), and one made without any suggestion is warned before it is saved.
		await openSection(a.page, 'Projects');
		await a.page.getByRole('link', { name: 'New project' }).click();
		await a.page.getByLabel('Title').waitFor();
		expect(await a.page.getByLabel('会议议题：电动车充电').count()).toBe(0);
		await expect
			.poll(() => a.page.getByTestId('deliberation-warnings').innerText())
			.toMatch(/linked to no residents' suggestion/);
	});
});
