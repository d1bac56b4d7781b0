import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { isCityRole, type Role } from '$lib/domain';
import { ServerAnswers } from '$lib/sync/server-answers';
import { CityFigures } from '$lib/sync/server-view.svelte';
import type { Workspace } from '$lib/sync/workspace.svelte';
import { newDevice } from '../store/helpers';

/**
 * A screen's figures about the city: never another question's answer, the kept one labelled as
 * kept, and for a worker or a reviewer computed on the device, never asked.
 */

interface View {
	years: number[];
	label: string;
}

/** A server whose answers the test releases one by one, in any order. */
function slowServer() {
	const waiting = new Map<string, (view: View) => void>();
	const asked: string[] = [];
	const fetchFn: typeof fetch = (input) => {
		const path = String(input);
		asked.push(path);
		return new Promise((resolve) =>
			waiting.set(path, (view) =>
				resolve(new Response(JSON.stringify({ asOf: `at ${view.label}`, rooms: 3, view })))
			)
		);
	};
	return {
		fetchFn,
		asked,
		async answer(path: string, view: View) {
			const send = waiting.get(path);
			if (!send) throw new Error(`not asked: ${path}`);
			waiting.delete(path);
			send(view);
			await settle();
		}
	};
}

const settle = async () => {
	for (let i = 0; i < 20; i++) await new Promise((done) => setTimeout(done, 0));
	flushSync();
};

class FakeWorkspace {
	online = $state(true);
	activity = $state(0);
	session = $state.raw<{ user: { role: string } }>();
	/** The rooms kept, each whole or not yet (`Room.complete`). */
	rooms = new Map([['community:tanglian', { complete: true, sync: { refused: false } }]]);
	answers: ServerAnswers;
	get readsCityFromServer() {
		const role = this.session?.user.role;
		return role !== undefined && isCityRole(role as Role);
	}
	constructor(role: string, fetchFn: typeof fetch, db = newDevice()) {
		this.session = { user: { role } };
		this.answers = new ServerAnswers({ db, token: () => 'token', fetch: fetchFn });
	}
}

function figures(workspace: FakeWorkspace, local: () => View | undefined = () => undefined) {
	const question = $state({ year: '' });
	let figures!: CityFigures<View>;
	const stop = $effect.root(() => {
		figures = new CityFigures(workspace as unknown as Workspace, {
			path: () => `/api/figures/test${question.year === '' ? '' : `?year=${question.year}`}`,
			local
		});
	});
	// The root's first run is scheduled, not immediate.
	flushSync();
	return { figures, question, stop };
}

describe('CityFigures', () => {
	it("never shows one period's answer for another, however late it comes", async () => {
		const server = slowServer();
		const { figures, question, stop } = figures_(new FakeWorkspace('supervisor', server.fetchFn));
		try {
			await settle();
			expect(figures.view).toBeUndefined();
			question.year = '2019';
			await settle();
			// The answer for all years arrives after the person chose 2019.
			await server.answer('/api/figures/test', { years: [2020, 2019], label: 'all' });
			expect(figures.view).toBeUndefined();
			expect(figures.asOf).toBeUndefined();
			// The years to choose from come from the last answer, whichever.
			expect(figures.years).toEqual([2020, 2019]);
			await server.answer('/api/figures/test?year=2019', { years: [2020, 2019], label: '2019' });
			expect(figures.view?.label).toBe('2019');
			expect(figures.asOf).toEqual({ at: 'at 2019', state: 'current' });
		} finally {
			stop();
		}
	});

	it('shows the kept answer at once, labelled kept, until the server answers', async () => {
		const db = newDevice();
		const first = slowServer();
		const one = figures_(new FakeWorkspace('finance', first.fetchFn, db));
		await settle();
		await first.answer('/api/figures/test', { years: [2020], label: 'yesterday' });
		one.stop();

		const second = slowServer();
		const again = figures_(new FakeWorkspace('finance', second.fetchFn, db));
		try {
			await settle();
			expect(again.figures.view?.label).toBe('yesterday');
			expect(again.figures.asOf).toEqual({ at: 'at yesterday', state: 'refreshing' });
			await second.answer('/api/figures/test', { years: [2020], label: 'today' });
			expect(again.figures.view?.label).toBe('today');
			expect(again.figures.asOf?.state).toBe('current');
		} finally {
			again.stop();
		}
		// Offline: the kept answer, saying the server was not reached.
		const unreachable: typeof fetch = async () => {
			throw new TypeError('Failed to fetch');
		};
		const offline = figures_(new FakeWorkspace('finance', unreachable, db));
		try {
			await settle();
			expect(offline.figures.view?.label).toBe('today');
			expect(offline.figures.asOf).toEqual({ at: 'at today', state: 'unreached' });
			expect(offline.figures.failure).toBeUndefined();
		} finally {
			offline.stop();
		}
	});

	it('asks again shortly after a change on this device', async () => {
		const server = slowServer();
		const workspace = new FakeWorkspace('supervisor', server.fetchFn);
		const { stop } = figures_(workspace);
		try {
			await settle();
			await server.answer('/api/figures/test', { years: [], label: 'before' });
			expect(server.asked).toHaveLength(1);
			workspace.activity++;
			flushSync();
			await new Promise((done) => setTimeout(done, 1200));
			await settle();
			expect(server.asked).toHaveLength(2);
		} finally {
			stop();
		}
	});

	it('computes a worker’s and a reviewer’s figures on the device and never asks', async () => {
		for (const role of ['worker', 'reviewer']) {
			const server = slowServer();
			const { figures, stop } = figures_(new FakeWorkspace(role, server.fetchFn), () => ({
				years: [2024],
				label: 'local'
			}));
			try {
				await settle();
				expect(figures.view?.label).toBe('local');
				expect(figures.asOf).toBeUndefined();
				expect(server.asked).toEqual([]);
			} finally {
				stop();
			}
		}
	});

	it('shows no figure computed on the device before every room it keeps is whole', async () => {
		const workspace = new FakeWorkspace('reviewer', slowServer().fetchFn);
		const town = $state({ complete: false, sync: { refused: false } });
		workspace.rooms.set('town:jingkai', town);
		const { figures, stop } = figures_(workspace, () => ({ years: [2024], label: 'local' }));
		try {
			await settle();
			expect(figures.view).toBeUndefined();
			expect(figures.loading).toEqual({ done: 1, total: 2 });
			town.complete = true;
			flushSync();
			expect(figures.view?.label).toBe('local');
			expect(figures.loading).toEqual({ done: 2, total: 2 });
		} finally {
			stop();
		}
	});
});

const figures_ = figures;
