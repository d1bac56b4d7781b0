import { describe, expect, it } from 'vitest';
import { spotCheckPopulation } from '$lib/domain';
import { makeProject } from './factories';

const ref = (id: string) => ({ room: 'community:tanglian', id });
const project = (id: string, over: Parameters<typeof makeProject>[0]) => ({
	...makeProject({ id, ...over }),
	ref: ref(id)
});

describe('the spot-check population', () => {
	it('holds the finished projects of the chosen years, stratified by type and town', () => {
		const projects = [
			project('a', { status: 'completed', year: 2018 }),
			project('b', { status: 'closed', year: 2019, type: 'service', townId: 'yangshe' }),
			project('c', { status: 'in_progress', year: 2019 }),
			project('d', { status: 'completed', year: 2020 }),
			project('e', { status: 'completed', year: 2018, archived: true })
		];
		expect(spotCheckPopulation(projects, [2018, 2019])).toEqual([
			{ id: 'a', stratum: 'engineering|jingkai', room: 'community:tanglian' },
			{ id: 'b', stratum: 'service|yangshe', room: 'community:tanglian' }
		]);
	});
});
