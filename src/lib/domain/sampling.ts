import { DomainError, domainMessage } from './errors';
import { sha256Hex } from './sha256';

/**
 * The annual spot-check draw (DOMAIN.md, "Supervision": in 2020 the city "picked 40 projects of
 * 2018–2019 at random, stratified by category", 分类选取、随机抽查).
 *
 * A spot-check is only fair if no one could steer which projects are picked, and only
 * trustworthy if anyone can recheck the pick afterwards. So, as RFC 3797 does for the IETF's
 * NomCom, the draw is a pure function of public inputs — the list of projects with their strata,
 * the sample size and a seed announced in advance (or taken from a public source after the list
 * is fixed) — and each step can be recomputed by hand with `sha256sum`:
 *
 * 1. Canonical order: strata, and the ids inside each stratum, sorted by Unicode code point (the
 *    order `LC_ALL=C sort` gives for UTF-8 text), so the order the list arrived in cannot matter.
 * 2. Allocation (Hamilton's largest-remainder method): stratum s of N_s projects out of N has the
 *    quota size × N_s / N; each gets the whole part, and the seats left go one each to the largest
 *    fractional parts. Ties in the fractional part go to the larger stratum (its sampling fraction
 *    moves less), then to the stratum whose name comes first in code-point order.
 * 3. Draw within each stratum, strata in canonical order: for counter k = 0, 1, …, hash the UTF-8
 *    text `seed/stratum/k` with SHA-256, read the 64 hex digits as one integer, take it modulo the
 *    number of ids still in the stratum, and pick the id at that 0-based position of the remaining
 *    ids in canonical order; remove it and go on (RFC 3797 §4 does this with MD5).
 *
 * `docs/spot-check-sampling.md` walks through an example that can be checked in a shell.
 * The modulo bias is below n / 2²⁵⁶ — nil for any list a city has.
 */

export interface SamplingUnit {
	readonly id: string;
	readonly stratum: string;
}

export interface StratumAllocation {
	readonly stratum: string;
	readonly population: number;
	/** The exact quota is `quotaNumerator / quotaDenominator` = size × N_s / N. */
	readonly quotaNumerator: number;
	readonly quotaDenominator: number;
	readonly floor: number;
	/** Fractional part of the quota, as a numerator over `quotaDenominator`. */
	readonly remainderNumerator: number;
	/** Whether the stratum got one of the seats handed out by largest remainder. */
	readonly extraSeat: boolean;
	readonly allocated: number;
}

export interface SampleDrawStep {
	/** 1-based position in the whole draw. */
	readonly order: number;
	readonly stratum: string;
	readonly counter: number;
	/** The exact text hashed: `seed/stratum/counter`. */
	readonly message: string;
	readonly hashHex: string;
	/** How many ids were left in the stratum before this pick. */
	readonly remaining: number;
	/** hash mod remaining: the 0-based position among the remaining ids. */
	readonly index: number;
	readonly id: string;
}

export interface SampleDraw {
	readonly seed: string;
	readonly size: number;
	readonly populationSize: number;
	readonly allocation: readonly StratumAllocation[];
	readonly steps: readonly SampleDrawStep[];
	/** The drawn ids, in draw order. */
	readonly sample: readonly string[];
}

export type SamplingProblem =
	'bad-size' | 'too-large' | 'duplicate-id' | 'empty-id' | 'empty-stratum' | 'empty-seed';

const problems: Record<SamplingProblem, (detail: string) => [string, string, string]> = {
	'bad-size': (d) => [
		'sampling.badSize',
		`抽样数量必须是非负整数：${d}`,
		`The sample size must be a whole number ≥ 0: ${d}`
	],
	'too-large': (d) => [
		'sampling.tooLarge',
		`抽样数量大于项目总数（${d}）`,
		`The sample size is larger than the list (${d})`
	],
	'duplicate-id': (d) => [
		'sampling.duplicateId',
		`名单中项目重复：${d}`,
		`An id is listed twice: ${d}`
	],
	'empty-id': () => ['sampling.emptyId', '名单中有空的项目编号', 'An id in the list is empty'],
	'empty-stratum': (d) => [
		'sampling.emptyStratum',
		`项目 ${d} 没有分类`,
		`Project ${d} has no stratum`
	],
	'empty-seed': () => ['sampling.emptySeed', '随机种子不能为空', 'The seed cannot be empty']
};

export class SamplingError extends DomainError {
	readonly problem: SamplingProblem;

	constructor(problem: SamplingProblem, detail = '') {
		const [code, zh, en] = problems[problem](detail);
		super(domainMessage(code, { detail }, zh, en));
		this.name = 'SamplingError';
		this.problem = problem;
	}
}

/** Orders strings by Unicode code point (UTF-16 order differs for characters beyond U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		if (a.charCodeAt(i) !== b.charCodeAt(i)) {
			return (a.codePointAt(i) as number) - (b.codePointAt(i) as number);
		}
	}
	return a.length - b.length;
}

/**
 * Hamilton (largest remainder) allocation of `size` seats over strata in proportion to their
 * populations; the tie-break is in the module comment. Exact integer arithmetic throughout.
 */
export function allocateStrata(
	strata: readonly { readonly stratum: string; readonly population: number }[],
	size: number
): StratumAllocation[] {
	const total = strata.reduce((sum, s) => sum + s.population, 0);
	if (!Number.isSafeInteger(size) || size < 0) throw new SamplingError('bad-size', String(size));
	if (size > total) throw new SamplingError('too-large', `${size} > ${total}`);
	const ordered = [...strata].sort((x, y) => compareCodePoints(x.stratum, y.stratum));
	const base = ordered.map((s) => {
		const quotaNumerator = size * s.population;
		return {
			stratum: s.stratum,
			population: s.population,
			quotaNumerator,
			quotaDenominator: total,
			floor: total === 0 ? 0 : Math.floor(quotaNumerator / total),
			remainderNumerator: total === 0 ? 0 : quotaNumerator % total
		};
	});
	const left = size - base.reduce((sum, s) => sum + s.floor, 0);
	const winners = new Set(
		[...base]
			.sort(
				(x, y) =>
					y.remainderNumerator - x.remainderNumerator ||
					y.population - x.population ||
					compareCodePoints(x.stratum, y.stratum)
			)
			.slice(0, left)
			.map((s) => s.stratum)
	);
	return base.map((s) => {
		const extraSeat = winners.has(s.stratum);
		return { ...s, extraSeat, allocated: s.floor + (extraSeat ? 1 : 0) };
	});
}

/** The draw of the module comment; throws `SamplingError` for a list or size it cannot use. */
export function drawStratifiedSample(input: {
	readonly population: readonly SamplingUnit[];
	readonly size: number;
	readonly seed: string;
}): SampleDraw {
	const { population, size, seed } = input;
	if (seed === '') throw new SamplingError('empty-seed');
	if (!Number.isSafeInteger(size) || size < 0) throw new SamplingError('bad-size', String(size));
	if (size > population.length) {
		throw new SamplingError('too-large', `${size} > ${population.length}`);
	}

	const byStratum = new Map<string, string[]>();
	const seen = new Set<string>();
	for (const unit of population) {
		if (unit.id === '') throw new SamplingError('empty-id');
		if (unit.stratum === '') throw new SamplingError('empty-stratum', unit.id);
		if (seen.has(unit.id)) throw new SamplingError('duplicate-id', unit.id);
		seen.add(unit.id);
		const ids = byStratum.get(unit.stratum);
		if (ids) ids.push(unit.id);
		else byStratum.set(unit.stratum, [unit.id]);
	}

	const allocation = allocateStrata(
		[...byStratum].map(([stratum, ids]) => ({ stratum, population: ids.length })),
		size
	);

	const steps: SampleDrawStep[] = [];
	for (const { stratum, allocated } of allocation) {
		const remainingIds = [...(byStratum.get(stratum) ?? [])].sort(compareCodePoints);
		for (let counter = 0; counter < allocated; counter++) {
			const message = `${seed}/${stratum}/${counter}`;
			const hashHex = sha256Hex(message);
			const remaining = remainingIds.length;
			const index = Number(BigInt(`0x${hashHex}`) % BigInt(remaining));
			// index < remaining, so the splice always removes one id.
			const id = remainingIds.splice(index, 1)[0] as string;
			steps.push({
				order: steps.length + 1,
				stratum,
				counter,
				message,
				hashHex,
				remaining,
				index,
				id
			});
		}
	}

	return {
		seed,
		size,
		populationSize: population.length,
		allocation,
		steps,
		sample: steps.map((s) => s.id)
	};
}

/**
 * Rechecks a recorded draw: recomputes it from the same inputs and compares the ids in order.
 * A campaign whose stored sample fails this was not drawn from the stored list and seed.
 */
export function verifySample(
	input: {
		readonly population: readonly SamplingUnit[];
		readonly size: number;
		readonly seed: string;
	},
	recorded: readonly string[]
): { readonly ok: boolean; readonly expected: readonly string[] } {
	const expected = drawStratifiedSample(input).sample;
	const ok = expected.length === recorded.length && expected.every((id, i) => id === recorded[i]);
	return { ok, expected };
}
