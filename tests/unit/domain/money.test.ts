import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	MoneyParseError,
	MoneyRangeError,
	assertFen,
	fenToYuanString,
	formatWan,
	formatAmount,
	formatYuan,
	isFen,
	sumFen,
	yuanToFen
} from '$lib/domain/money';

function parseError(input: string | number, options?: { allowNegative?: boolean }) {
	try {
		yuanToFen(input, options);
	} catch (e) {
		if (e instanceof MoneyParseError) return e;
		throw e;
	}
	throw new Error(`expected ${String(input)} to be refused`);
}

describe('yuanToFen', () => {
	it.each([
		['1234.5', 123450],
		['1,234.56', 123456],
		['¥1,234.56', 123456],
		['￥１，２３４．５６', 123456],
		['  ¥ 88 ', 8800],
		['100000元', 10_000_000],
		['0.29', 29],
		['0.07', 7],
		['.5', 50],
		['5.', 500],
		['007', 700],
		['1,000,000.01', 100_000_001]
	])('reads %s as %i fen', (input, fen) => {
		expect(yuanToFen(input)).toBe(fen);
	});

	it('reads numbers through their decimal form, without float multiplication', () => {
		expect(yuanToFen(1234.5)).toBe(123450);
		expect(yuanToFen(0.29)).toBe(29);
		expect(yuanToFen(19.99)).toBe(1999);
		expect(parseError(0.1 + 0.2).reason).toBe('too-many-decimals');
		expect(parseError(Number.NaN).reason).toBe('invalid');
		expect(parseError(Number.POSITIVE_INFINITY).reason).toBe('invalid');
	});

	it.each([
		['', 'empty'],
		['   ', 'empty'],
		['abc', 'invalid'],
		['¥', 'invalid'],
		['.', 'invalid'],
		['1.2.3', 'invalid'],
		['12,34', 'invalid'],
		['1,2345', 'invalid'],
		['1e5', 'invalid'],
		['+5', 'invalid'],
		['--5', 'invalid'],
		['-¥-5', 'invalid'],
		['1.234', 'too-many-decimals'],
		['1.500', 'too-many-decimals'],
		['-5', 'negative'],
		['-¥1,234.56', 'negative'],
		['99999999999999999', 'too-large']
	] as const)('refuses %j (%s)', (input, reason) => {
		const error = parseError(input);
		expect(error.reason).toBe(reason);
		expect(error.input).toBe(input);
		expect(error.zh).not.toBe('');
		expect(error.code).toMatch(/^money\./);
	});

	it('reads negatives only when allowed, with the sign before or after ¥', () => {
		expect(yuanToFen('-¥1,234.56', { allowNegative: true })).toBe(-123456);
		expect(yuanToFen('¥-0.5', { allowNegative: true })).toBe(-50);
		expect(yuanToFen('-0.00')).toBe(0);
	});

	it('round-trips every amount through its display forms', () => {
		fc.assert(
			fc.property(fc.integer({ min: -1e15, max: 1e15 }), (fen) => {
				expect(yuanToFen(formatYuan(fen), { allowNegative: true })).toBe(fen);
				expect(yuanToFen(fenToYuanString(fen), { allowNegative: true })).toBe(fen);
			})
		);
	});
});

describe('formatYuan', () => {
	it('writes yuan with separators and two decimals', () => {
		expect(formatYuan(123456)).toBe('¥1,234.56');
		expect(formatYuan(-123456)).toBe('-¥1,234.56');
		expect(formatYuan(0)).toBe('¥0.00');
		expect(formatYuan(5)).toBe('¥0.05');
		expect(formatYuan(100_000_00)).toBe('¥100,000.00');
	});

	it('refuses a non-integer amount', () => {
		expect(() => formatYuan(1.5)).toThrow(MoneyRangeError);
	});

	it('leaves the symbol out for a column titled in yuan', () => {
		expect(formatAmount(4_329_670_000)).toBe('43,296,700.00');
		expect(formatAmount(-5)).toBe('-0.05');
		expect(() => formatAmount(0.5)).toThrow(MoneyRangeError);
	});
});

describe('formatWan', () => {
	it('writes the city figure of DOMAIN.md', () => {
		expect(formatWan(43_296_700_00)).toBe('4,329.67万元');
	});

	it('rounds half up on the magnitude to hundredths of 万', () => {
		expect(formatWan(43_296_650_00)).toBe('4,329.67万元');
		expect(formatWan(43_296_649_99)).toBe('4,329.66万元');
		expect(formatWan(-43_296_650_00)).toBe('-4,329.67万元');
		expect(formatWan(4_999)).toBe('0.00万元');
		expect(formatWan(-4_999)).toBe('0.00万元');
		expect(formatWan(5_000)).toBe('0.01万元');
	});

	it('is never more than half a step (50 yuan) from the exact amount', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 1e14 }), (fen) => {
				const shown = formatWan(fen).replace('万元', '').replaceAll(',', '');
				const shownFen = yuanToFen(shown) * 10_000;
				expect(Math.abs(shownFen - fen)).toBeLessThanOrEqual(5_000);
			})
		);
	});
});

describe('fen guards', () => {
	it('accepts safe integers only', () => {
		expect(isFen(100)).toBe(true);
		expect(isFen(-1)).toBe(false);
		expect(isFen(-1, { allowNegative: true })).toBe(true);
		expect(isFen(1.5)).toBe(false);
		expect(isFen(2 ** 53)).toBe(false);
		expect(isFen('100')).toBe(false);
		expect(() => assertFen(-1)).toThrow(MoneyRangeError);
		expect(() => assertFen(Number.NaN)).toThrow(MoneyRangeError);
	});

	it('sums exactly and refuses to overflow', () => {
		expect(sumFen([10, 20, 30])).toBe(60);
		expect(sumFen([])).toBe(0);
		expect(() => sumFen([Number.MAX_SAFE_INTEGER, 1])).toThrow(MoneyRangeError);
		expect(() => sumFen([1, -1])).toThrow(MoneyRangeError);
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 1e9 })), (xs) => {
				expect(sumFen(xs)).toBe(xs.reduce((a, b) => a + b, 0));
			})
		);
	});
});
