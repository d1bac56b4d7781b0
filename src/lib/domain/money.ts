import { DomainError, domainMessage } from './errors';

/**
 * Money is integer fen (分), 1 yuan = 100 fen (DESIGN.md: "Money is integer fen"). Budgets reach
 * tens of millions of yuan in the city's report (DOMAIN.md: 43,296,700 yuan), far inside
 * `Number.MAX_SAFE_INTEGER` fen (about 90 trillion yuan), so a plain safe integer is exact and
 * needs no bigint in records or CRDT maps; every entry point checks that it stays one.
 */
export type Fen = number;

export const FEN_PER_YUAN = 100;
/** 1 万元 = 10,000 yuan = 1,000,000 fen: the unit the city reports budgets in. */
export const FEN_PER_WAN = 1_000_000;

export type MoneyParseReason = 'empty' | 'invalid' | 'too-many-decimals' | 'negative' | 'too-large';

const parseMessages: Record<MoneyParseReason, (input: string) => [string, string, string]> = {
	empty: () => ['money.empty', '请输入金额', 'Enter an amount'],
	invalid: (s) => ['money.invalid', `金额格式无效：“${s}”`, `Not an amount: "${s}"`],
	'too-many-decimals': (s) => [
		'money.tooManyDecimals',
		`金额最多保留两位小数（精确到分）：“${s}”`,
		`At most two decimals (to the fen): "${s}"`
	],
	negative: (s) => [
		'money.negative',
		`金额不能为负数：“${s}”`,
		`The amount cannot be negative: "${s}"`
	],
	'too-large': (s) => ['money.tooLarge', `金额过大：“${s}”`, `The amount is too large: "${s}"`]
};

/** A person's typed amount that cannot be read as yuan and fen. */
export class MoneyParseError extends DomainError {
	readonly input: string;
	readonly reason: MoneyParseReason;

	constructor(input: string, reason: MoneyParseReason) {
		const [code, zh, en] = parseMessages[reason](input);
		super(domainMessage(code, { input }, zh, en));
		this.name = 'MoneyParseError';
		this.input = input;
		this.reason = reason;
	}
}

/** A value in fen that is not a safe integer, is negative where it may not be, or a sum overflows. */
export class MoneyRangeError extends DomainError {
	constructor(value: unknown, why: 'not-integer' | 'negative' | 'overflow') {
		const shown = String(value);
		const [zh, en] =
			why === 'not-integer'
				? [`金额必须是以分为单位的整数：${shown}`, `Money must be a whole number of fen: ${shown}`]
				: why === 'negative'
					? [`金额不能为负数：${shown}`, `Money cannot be negative here: ${shown}`]
					: [`金额合计超出可精确表示的范围`, `The sum of money is too large to be exact`];
		super(domainMessage(`money.${why}`, { value: shown }, zh, en));
		this.name = 'MoneyRangeError';
	}
}

export function isFen(value: unknown, options: { allowNegative?: boolean } = {}): value is Fen {
	return (
		typeof value === 'number' &&
		Number.isSafeInteger(value) &&
		(options.allowNegative === true || value >= 0)
	);
}

export function assertFen(
	value: unknown,
	options: { allowNegative?: boolean } = {}
): asserts value is Fen {
	if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
		throw new MoneyRangeError(value, 'not-integer');
	}
	if (options.allowNegative !== true && value < 0) throw new MoneyRangeError(value, 'negative');
}

// The sign may stand before or after the currency sign ("-¥5", "¥-5"); 元 may close the amount.
const AMOUNT_RE = /^(-)?\s*(?:¥\s*)?(-)?\s*(\d[\d,]*)?(?:\.(\d*))?\s*元?$/;
const GROUPED_RE = /^\d{1,3}(?:,\d{3})+$/;

/**
 * Reads an amount in yuan as a person types it — "1234.5", "1,234.56", "¥1,234.56", full-width
 * "￥１２３４．５" from a Chinese keyboard — into exact fen. The digits are read as text: no
 * floating-point multiplication, so "0.29" is 29 fen and never 28.999…
 *
 * Refused: more than two decimals (money is kept to the fen), thousands separators in the wrong
 * place ("12,34"), negatives unless `allowNegative`, and anything else that is not an amount.
 * A number argument is read through its shortest decimal form, so `0.1 + 0.2` is refused (it
 * prints as 0.30000000000000004) rather than silently rounded.
 */
export function yuanToFen(input: string | number, options: { allowNegative?: boolean } = {}): Fen {
	if (typeof input === 'number' && !Number.isFinite(input)) {
		throw new MoneyParseError(String(input), 'invalid');
	}
	const original = String(input);
	// NFKC folds full-width digits, ￥, ，, ． and － into their ASCII forms.
	const text = original.normalize('NFKC').trim();
	if (text === '') throw new MoneyParseError(original, 'empty');

	const m = AMOUNT_RE.exec(text);
	if (!m) throw new MoneyParseError(original, 'invalid');
	const [, signBefore, signAfter, intPart = '', fracPart] = m;
	if (signBefore && signAfter) throw new MoneyParseError(original, 'invalid');
	if (intPart === '' && (fracPart === undefined || fracPart === '')) {
		throw new MoneyParseError(original, 'invalid');
	}
	if (intPart.includes(',') && !GROUPED_RE.test(intPart)) {
		throw new MoneyParseError(original, 'invalid');
	}
	const frac = fracPart ?? '';
	if (frac.length > 2) throw new MoneyParseError(original, 'too-many-decimals');

	const digits = intPart.replaceAll(',', '') || '0';
	const fen = BigInt(digits) * 100n + BigInt(frac.padEnd(2, '0'));
	if (fen > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyParseError(original, 'too-large');

	const negative = (signBefore ?? signAfter) === '-' && fen !== 0n;
	if (negative && options.allowNegative !== true) throw new MoneyParseError(original, 'negative');
	return negative ? -Number(fen) : Number(fen);
}

function groupThousands(whole: number): string {
	return String(whole).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** `¥1,234.56`; a negative amount is `-¥1,234.56`. Always two decimals. */
export function formatYuan(fen: Fen): string {
	return formatAmount(fen, '¥');
}

/**
 * `1,234.56`: an amount in a table whose column title already says 元, where the symbol on
 * every figure only widens the table.
 */
export function formatAmount(fen: Fen, symbol = ''): string {
	assertFen(fen, { allowNegative: true });
	const abs = Math.abs(fen);
	const sign = fen < 0 ? '-' : '';
	const cents = String(abs % 100).padStart(2, '0');
	return `${sign}${symbol}${groupThousands(Math.floor(abs / 100))}.${cents}`;
}

/** `1234.56` with no symbol or separators: the value an amount field starts from when edited. */
export function fenToYuanString(fen: Fen): string {
	assertFen(fen, { allowNegative: true });
	const abs = Math.abs(fen);
	const sign = fen < 0 ? '-' : '';
	return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * The city reports budgets in 万元 with two decimals (DOMAIN.md: "4,329.67万元" for 43,296,700
 * yuan). One hundredth of 万 is 100 yuan = 10,000 fen, so the amount is rounded to whole
 * 10,000-fen steps, half up on the magnitude (so 4,329.665 → 4,329.67 and −0.005 → −0.01):
 * the way the figure is written by hand in a Chinese report. Integer arithmetic throughout.
 */
export function formatWan(fen: Fen): string {
	assertFen(fen, { allowNegative: true });
	const abs = Math.abs(fen);
	const step = FEN_PER_WAN / 100;
	const hundredths = Math.floor(abs / step) + (abs % step >= step / 2 ? 1 : 0);
	const sign = fen < 0 && hundredths > 0 ? '-' : '';
	const whole = groupThousands(Math.floor(hundredths / 100));
	return `${sign}${whole}.${String(hundredths % 100).padStart(2, '0')}万元`;
}

/** Exact sum of amounts in fen; refuses non-integers and a total beyond the safe range. */
export function sumFen(values: Iterable<Fen>, options: { allowNegative?: boolean } = {}): Fen {
	let total = 0;
	for (const value of values) {
		assertFen(value, options);
		total += value;
		if (!Number.isSafeInteger(total)) throw new MoneyRangeError(total, 'overflow');
	}
	return total;
}
