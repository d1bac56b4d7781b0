import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	SamplingError,
	allocateStrata,
	compareCodePoints,
	drawStratifiedSample,
	verifySample,
	type SamplingUnit
} from '$lib/domain/sampling';
import { sha256Hex } from '$lib/domain/sha256';

// The worked example of docs/spot-check-sampling.md.
const example: SamplingUnit[] = [
	['ZJG-2019-118', 'engineering'],
	['ZJG-2018-025', 'service'],
	['ZJG-2018-017', 'engineering'],
	['ZJG-2019-077', 'service'],
	['ZJG-2018-042', 'engineering'],
	['ZJG-2019-040', 'service'],
	['ZJG-2019-003', 'engineering']
].map(([id, stratum]) => ({ id: id as string, stratum: stratum as string }));

describe('the worked example', () => {
	const draw = drawStratifiedSample({ population: example, size: 3, seed: '2020-08-03' });

	it('allocates 2 engineering and 1 service seat by largest remainder', () => {
		expect(
			draw.allocation.map((a) => [a.stratum, a.floor, a.remainderNumerator, a.allocated])
		).toEqual([
			['engineering', 1, 5, 2],
			['service', 1, 2, 1]
		]);
	});

	it('draws what sha256sum and the modulo give by hand', () => {
		expect(
			draw.steps.map((s) => [s.message, s.hashHex.slice(0, 8), s.remaining, s.index, s.id])
		).toEqual([
			['2020-08-03/engineering/0', '0170c4aa', 4, 1, 'ZJG-2018-042'],
			['2020-08-03/engineering/1', '5916953c', 3, 0, 'ZJG-2018-017'],
			['2020-08-03/service/0', '3075203f', 3, 1, 'ZJG-2019-040']
		]);
		for (const s of draw.steps) {
			expect(s.hashHex).toBe(sha256Hex(s.message));
			expect(BigInt(`0x${s.hashHex}`) % BigInt(s.remaining)).toBe(BigInt(s.index));
		}
		expect(draw.sample).toEqual(['ZJG-2018-042', 'ZJG-2018-017', 'ZJG-2019-040']);
	});

	it('does not depend on the order the list arrives in', () => {
		const reversed = drawStratifiedSample({
			population: [...example].reverse(),
			size: 3,
			seed: '2020-08-03'
		});
		expect(reversed.sample).toEqual(draw.sample);
		expect(
			drawStratifiedSample({ population: example, size: 3, seed: '2020-08-04' }).sample
		).not.toEqual(draw.sample);
	});

	it('rechecks a recorded sample', () => {
		const input = { population: example, size: 3, seed: '2020-08-03' };
		expect(verifySample(input, draw.sample).ok).toBe(true);
		expect(verifySample(input, ['ZJG-2018-042', 'ZJG-2019-040', 'ZJG-2018-017']).ok).toBe(false);
		expect(verifySample(input, draw.sample.slice(0, 2)).ok).toBe(false);
	});
});

describe('allocation (Hamilton, largest remainder)', () => {
	it('gives the 2020 spot-check of 40 its proportional split', () => {
		const a = allocateStrata(
			[
				{ stratum: 'engineering', population: 412 },
				{ stratum: 'service', population: 205 }
			],
			40
		);
		// 40 × 412 / 617 = 26.71, 40 × 205 / 617 = 13.29.
		expect(a.map((s) => s.allocated)).toEqual([27, 13]);
	});

	it('breaks a tie in remainders by the larger stratum', () => {
		// 3 seats over 1, 2, 3 projects: quotas 0.5, 1, 1.5. One seat is left after the whole parts;
		// 'a' and 'c' tie at 0.5 and the larger 'c' gets it, although 'a' comes first by name.
		const a = allocateStrata(
			[
				{ stratum: 'c', population: 3 },
				{ stratum: 'a', population: 1 },
				{ stratum: 'b', population: 2 }
			],
			3
		);
		expect(a.map((s) => [s.stratum, s.allocated, s.extraSeat])).toEqual([
			['a', 0, false],
			['b', 1, false],
			['c', 2, true]
		]);
	});

	it('then by the name first in code-point order', () => {
		// 2 seats over three strata of 2: quotas 2/3 each, all tied in remainder and size.
		const named = allocateStrata(
			[
				{ stratum: 'service', population: 2 },
				{ stratum: 'engineering', population: 2 },
				{ stratum: 'goods', population: 2 }
			],
			2
		);
		expect(named.map((s) => [s.stratum, s.allocated])).toEqual([
			['engineering', 1],
			['goods', 1],
			['service', 0]
		]);
	});
});

const populations = fc
	.array(
		fc.record({
			id: fc.string({ minLength: 1, maxLength: 6 }),
			stratum: fc.constantFrom('engineering', 'service', 'goods', '工程类', '𠀀')
		}),
		{ minLength: 1, maxLength: 80 }
	)
	.map((units) => {
		const seen = new Set<string>();
		return units.filter((u) => !seen.has(u.id) && seen.add(u.id));
	});

const cases = populations.chain((population) =>
	fc.record({
		population: fc.constant(population),
		size: fc.integer({ min: 0, max: population.length }),
		seed: fc.string({ minLength: 1, maxLength: 12 })
	})
);

describe('any draw', () => {
	it('has the exact size, no duplicates, only ids of the list', () => {
		fc.assert(
			fc.property(cases, ({ population, size, seed }) => {
				const { sample } = drawStratifiedSample({ population, size, seed });
				expect(sample).toHaveLength(size);
				expect(new Set(sample).size).toBe(size);
				const ids = new Set(population.map((u) => u.id));
				for (const id of sample) expect(ids.has(id)).toBe(true);
			})
		);
	});

	it('gives each stratum its quota within one, and the allocation sums to the size', () => {
		fc.assert(
			fc.property(cases, ({ population, size, seed }) => {
				const draw = drawStratifiedSample({ population, size, seed });
				expect(draw.allocation.reduce((s, a) => s + a.allocated, 0)).toBe(size);
				const stratumOf = new Map(population.map((u) => [u.id, u.stratum]));
				for (const a of draw.allocation) {
					const drawn = draw.sample.filter((id) => stratumOf.get(id) === a.stratum).length;
					expect(drawn).toBe(a.allocated);
					const exact = (size * a.population) / population.length;
					expect(Math.abs(drawn - exact)).toBeLessThan(1);
					expect(drawn).toBeLessThanOrEqual(a.population);
				}
			})
		);
	});

	it('is the same for the same seed and list in any order', () => {
		fc.assert(
			fc.property(cases, fc.nat(), ({ population, size, seed }, shift) => {
				const k = population.length === 0 ? 0 : shift % population.length;
				const rotated = [...population.slice(k), ...population.slice(0, k)];
				const a = drawStratifiedSample({ population, size, seed });
				const b = drawStratifiedSample({ population: rotated, size, seed });
				expect(b).toEqual(a);
			})
		);
	});
});

describe('refusals', () => {
	it.each([
		[{ population: example, size: 8, seed: 's' }, 'too-large'],
		[{ population: example, size: -1, seed: 's' }, 'bad-size'],
		[{ population: example, size: 1.5, seed: 's' }, 'bad-size'],
		[{ population: example, size: 1, seed: '' }, 'empty-seed'],
		[{ population: [...example, example[0]!], size: 1, seed: 's' }, 'duplicate-id'],
		[{ population: [{ id: '', stratum: 'a' }], size: 1, seed: 's' }, 'empty-id'],
		[{ population: [{ id: 'x', stratum: '' }], size: 1, seed: 's' }, 'empty-stratum']
	] as const)('refuses %#: %s', (input, problem) => {
		try {
			drawStratifiedSample(input);
			throw new Error('expected a refusal');
		} catch (e) {
			expect(e).toBeInstanceOf(SamplingError);
			expect((e as SamplingError).problem).toBe(problem);
		}
	});
});

describe('code-point order', () => {
	it('sorts characters beyond U+FFFF after the rest of the BMP, as UTF-8 bytes do', () => {
		expect(['𠀀', '\uff5e', 'a'].sort(compareCodePoints)).toEqual(['a', '\uff5e', '𠀀']);
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
				const bytes = (s: string) => [...new TextEncoder().encode(s)];
				const ea = bytes(a);
				const eb = bytes(b);
				let byteOrder = 0;
				for (let i = 0; i < Math.min(ea.length, eb.length) && byteOrder === 0; i++)
					byteOrder = ea[i]! - eb[i]!;
				if (byteOrder === 0) byteOrder = ea.length - eb.length;
				expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byteOrder));
			})
		);
	});
});
