import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sheetNames, toXlsx, type XlsxSheet } from '$lib/export/xlsx';

// ---------------------------------------------------------------------------------------------
// A ZIP reader written from the specification (APPNOTE 4.3), independent of the writer (fflate):
// it trusts the central directory only after checking it against each local header, and
// inflates with zlib.

interface Entry {
	name: string;
	method: number;
	time: number;
	date: number;
	crc: number;
	data: Uint8Array;
}

function readZip(bytes: Uint8Array): Entry[] {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const decoder = new TextDecoder('utf-8', { fatal: true });
	let end = -1;
	for (let i = bytes.length - 22; i >= 0; i--) {
		if (view.getUint32(i, true) === 0x06054b50) {
			end = i;
			break;
		}
	}
	expect(end, 'end of central directory').toBe(bytes.length - 22);
	const count = view.getUint16(end + 10, true);
	expect(view.getUint16(end + 8, true)).toBe(count);
	const cdSize = view.getUint32(end + 12, true);
	const cdStart = view.getUint32(end + 16, true);
	expect(cdStart + cdSize).toBe(end);

	const entries: Entry[] = [];
	let at = cdStart;
	for (let n = 0; n < count; n++) {
		expect(view.getUint32(at, true)).toBe(0x02014b50);
		const method = view.getUint16(at + 10, true);
		const time = view.getUint16(at + 12, true);
		const date = view.getUint16(at + 14, true);
		const crc = view.getUint32(at + 16, true);
		const compressed = view.getUint32(at + 20, true);
		const size = view.getUint32(at + 24, true);
		const nameLength = view.getUint16(at + 28, true);
		const extraLength = view.getUint16(at + 30, true);
		const commentLength = view.getUint16(at + 32, true);
		const local = view.getUint32(at + 42, true);
		const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
		at += 46 + nameLength + extraLength + commentLength;

		expect(view.getUint32(local, true), `local header of ${name}`).toBe(0x04034b50);
		expect(view.getUint16(local + 6, true) & 1, 'not encrypted').toBe(0);
		expect(view.getUint16(local + 6, true) & 8, 'no data descriptor').toBe(0);
		expect(view.getUint16(local + 8, true)).toBe(method);
		expect(view.getUint16(local + 10, true)).toBe(time);
		expect(view.getUint16(local + 12, true)).toBe(date);
		expect(view.getUint32(local + 14, true)).toBe(crc);
		expect(view.getUint32(local + 18, true)).toBe(compressed);
		expect(view.getUint32(local + 22, true)).toBe(size);
		const localName = view.getUint16(local + 26, true);
		const localExtra = view.getUint16(local + 28, true);
		expect(decoder.decode(bytes.subarray(local + 30, local + 30 + localName))).toBe(name);
		const start = local + 30 + localName + localExtra;
		const stored = bytes.slice(start, start + compressed);
		// STORE (0) or DEFLATE (8): the two methods every spreadsheet program reads.
		expect([0, 8], name).toContain(method);
		const data = method === 8 ? new Uint8Array(inflateRawSync(stored)) : stored;
		expect(data.length, `${name}: size`).toBe(size);
		entries.push({ name, method, time, date, crc, data });
	}
	expect(at).toBe(end);
	return entries;
}

function unzipText(bytes: Uint8Array): Map<string, string> {
	const decoder = new TextDecoder('utf-8', { fatal: true });
	return new Map(readZip(bytes).map((e) => [e.name, decoder.decode(e.data)]));
}

// ---------------------------------------------------------------------------------------------
// XML: a well-formedness check (nesting, references) and cell extraction by regex, enough for
// the flat, attribute-ordered XML the writer emits.

const REFERENCE = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;

function expectWellFormed(xml: string, part: string): void {
	expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'), part).toBe(
		true
	);
	const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
	const stack: string[] = [];
	let roots = 0;
	for (const [token] of body.matchAll(/<[^>]*>|[^<]+/g)) {
		if (!token.startsWith('<')) {
			expect(stack.length, `${part}: text outside the root`).toBeGreaterThan(0);
			expect(token.replace(REFERENCE, ''), `${part}: stray & or >`).not.toMatch(/[&>]/);
			continue;
		}
		const tag = /^<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>$/.exec(token);
		expect(tag, `${part}: malformed tag ${token}`).not.toBeNull();
		const [, closing, name, attributes, selfClosing] = tag!;
		expect(attributes!.replace(REFERENCE, ''), `${part}: stray & in ${token}`).not.toMatch(/&/);
		if (closing) {
			expect(stack.pop(), `${part}: </${name}>`).toBe(name);
		} else {
			if (stack.length === 0) roots++;
			if (!selfClosing) stack.push(name!);
		}
	}
	expect(stack, `${part}: unclosed`).toEqual([]);
	expect(roots, `${part}: one root`).toBe(1);
}

/** XML references, then Excel's `_xHHHH_` escapes, as Excel reads cell text. */
function decodeText(s: string): string {
	return s
		.replace(REFERENCE, (ref) => {
			const named: Record<string, string> = {
				'&amp;': '&',
				'&lt;': '<',
				'&gt;': '>',
				'&quot;': '"',
				'&apos;': "'"
			};
			if (named[ref]) return named[ref];
			const hex = ref.startsWith('&#x');
			return String.fromCodePoint(parseInt(ref.slice(hex ? 3 : 2, -1), hex ? 16 : 10));
		})
		.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

interface Cell {
	type: 'n' | 'inlineStr';
	style: number;
	value: string | number;
}

function cellsOf(xml: string): Map<string, Cell> {
	const cells = new Map<string, Cell>();
	const data = /<sheetData>(.*)<\/sheetData>/s.exec(xml)![1]!;
	for (const [, rowNumber, row] of data.matchAll(/<row r="(\d+)">(.*?)<\/row>/gs)) {
		for (const m of row!.matchAll(
			/<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?>(.*?)<\/c>/gs
		)) {
			const [, , cellRow, style, type, inner] = m;
			expect(cellRow).toBe(rowNumber);
			const ref = m[1]! + cellRow;
			if (type === 'inlineStr') {
				const t = /^<is><t xml:space="preserve">(.*)<\/t><\/is>$/s.exec(inner!);
				expect(t, inner).not.toBeNull();
				cells.set(ref, { type, style: Number(style ?? 0), value: decodeText(t![1]!) });
			} else {
				expect(type).toBeUndefined();
				const v = /^<v>([^<]*)<\/v>$/.exec(inner!);
				expect(v, inner).not.toBeNull();
				cells.set(ref, { type: 'n', style: Number(style ?? 0), value: Number(v![1]) });
			}
		}
	}
	return cells;
}

function sheetNamesIn(workbookXml: string): string[] {
	return [...workbookXml.matchAll(/<sheet name="([^"]*)"/g)].map((m) => decodeText(m[1]!));
}

function workbook(sheets: XlsxSheet[]) {
	const parts = unzipText(toXlsx(sheets));
	return {
		parts,
		names: sheetNamesIn(parts.get('xl/workbook.xml')!),
		cells: (n: number) => cellsOf(parts.get(`xl/worksheets/sheet${n}.xml`)!)
	};
}

// ---------------------------------------------------------------------------------------------

const report: XlsxSheet[] = [
	{
		name: '2025年5月',
		rows: [
			['街道', '建议数', '预算（元）', '备注'],
			['福田街道', 12, 34567.89, '含 <紧急> 项目 & "加急"'],
			['沙头街道', 0, -1.5, null],
			['园岭街道', 3, 1e21, undefined]
		]
	},
	{ name: 'Notes', rows: [['Note'], ["it's fine"]] }
];

describe('toXlsx package', () => {
	it('holds the parts of a workbook, content types first', () => {
		const { parts } = workbook(report);
		expect([...parts.keys()]).toEqual([
			'[Content_Types].xml',
			'_rels/.rels',
			'xl/workbook.xml',
			'xl/_rels/workbook.xml.rels',
			'xl/styles.xml',
			'xl/worksheets/sheet1.xml',
			'xl/worksheets/sheet2.xml'
		]);
		for (const [name, xml] of parts) expectWellFormed(xml, name);
	});

	it('declares a content type for each part and resolves every relationship', () => {
		const { parts } = workbook(report);
		const types = parts.get('[Content_Types].xml')!;
		const sml = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
		const relsType = 'application/vnd.openxmlformats-package.relationships+xml';
		expect(types).toContain(`<Default Extension="rels" ContentType="${relsType}"/>`);
		expect(types).toContain(
			`<Override PartName="/xl/workbook.xml" ContentType="${sml}.sheet.main+xml"/>`
		);
		expect(types).toContain(
			`<Override PartName="/xl/styles.xml" ContentType="${sml}.styles+xml"/>`
		);
		for (const n of [1, 2]) {
			expect(types).toContain(
				`<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="${sml}.worksheet+xml"/>`
			);
		}
		expect(parts.get('_rels/.rels')).toContain('Target="xl/workbook.xml"');
		const rels = parts.get('xl/_rels/workbook.xml.rels')!;
		const targets = new Map(
			[...rels.matchAll(/Id="(rId\d+)" Type="[^"]*\/(\w+)" Target="([^"]+)"/g)].map((m) => [
				m[1],
				{ type: m[2], target: `xl/${m[3]}` }
			])
		);
		for (const target of targets.values()) expect(parts.has(target.target)).toBe(true);
		expect([...targets.values()].filter((t) => t.type === 'styles')).toHaveLength(1);
		const sheetRefs = [...parts.get('xl/workbook.xml')!.matchAll(/r:id="(rId\d+)"/g)];
		expect(sheetRefs.map((m) => targets.get(m[1])?.target)).toEqual([
			'xl/worksheets/sheet1.xml',
			'xl/worksheets/sheet2.xml'
		]);
	});

	it('is a valid zip: CRC-32 checked against zlib, fixed 1980-01-01 timestamp', () => {
		const entries = readZip(toXlsx(report));
		for (const e of entries) {
			expect(e.crc, e.name).toBe(zlibCrc32(e.data));
			expect(e.date, e.name).toBe(0x21);
			expect(e.time, e.name).toBe(0);
		}
	});

	it('gives the same bytes for the same input', () => {
		const a = toXlsx(report);
		const b = toXlsx(structuredClone(report));
		expect(a).toBeInstanceOf(Uint8Array);
		expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
	});

	it('makes one empty sheet when given none', () => {
		const { names, cells } = workbook([]);
		expect(names).toEqual(['Sheet1']);
		expect(cells(1).size).toBe(0);
	});

	it('has a bold style for the header row', () => {
		const { parts, cells } = workbook(report);
		const styles = parts.get('xl/styles.xml')!;
		const fonts = [...styles.matchAll(/<font>(.*?)<\/font>/g)].map((m) => m[1]);
		const xfs = /<cellXfs count="(\d+)">(.*?)<\/cellXfs>/.exec(styles)!;
		const xf = [...xfs[2]!.matchAll(/<xf [^>]*fontId="(\d+)"/g)].map((m) => Number(m[1]));
		expect(xf).toHaveLength(Number(xfs[1]));
		expect(fonts[xf[0]!]).not.toContain('<b/>');
		for (const [ref, cell] of cells(1)) {
			const bold = fonts[xf[cell.style]!]!.includes('<b/>');
			expect(bold, ref).toBe(/^[A-Z]+1$/.test(ref));
		}
	});

	it('sets column widths, wider for Chinese text', () => {
		const xml = workbook([
			{
				name: 'w',
				rows: [
					['ab', '民生微实事项目名称'],
					['abcd', 1]
				]
			}
		]).parts.get('xl/worksheets/sheet1.xml')!;
		const widths = [...xml.matchAll(/<col min="(\d+)" max="\1" width="([\d.]+)"/g)].map((m) =>
			Number(m[2])
		);
		expect(widths).toHaveLength(2);
		expect(widths[1]).toBeGreaterThan(widths[0]!);
		expect(widths[1]).toBeGreaterThanOrEqual(18);
	});
});

describe('toXlsx cells', () => {
	it('writes numbers as numeric cells and text as inline strings, Chinese intact', () => {
		const cells = workbook(report).cells(1);
		expect(cells.get('A1')).toEqual({ type: 'inlineStr', style: 1, value: '街道' });
		expect(cells.get('C1')).toEqual({ type: 'inlineStr', style: 1, value: '预算（元）' });
		expect(cells.get('A2')).toEqual({ type: 'inlineStr', style: 0, value: '福田街道' });
		expect(cells.get('B2')).toEqual({ type: 'n', style: 0, value: 12 });
		expect(cells.get('C2')).toEqual({ type: 'n', style: 0, value: 34567.89 });
		expect(cells.get('B3')).toEqual({ type: 'n', style: 0, value: 0 });
		expect(cells.get('C3')).toEqual({ type: 'n', style: 0, value: -1.5 });
		expect(cells.get('C4')).toEqual({ type: 'n', style: 0, value: 1e21 });
	});

	it('escapes markup and quotes', () => {
		const { parts, cells } = workbook(report);
		expect(cells(1).get('D2')?.value).toBe('含 <紧急> 项目 & "加急"');
		expect(cells(2).get('A2')?.value).toBe("it's fine");
		expect(parts.get('xl/worksheets/sheet1.xml')).toContain(
			'含 &lt;紧急&gt; 项目 &amp; &quot;加急&quot;'
		);
		expect(parts.get('xl/worksheets/sheet2.xml')).toContain('it&apos;s fine');
	});

	it('leaves null and undefined cells empty', () => {
		const cells = workbook(report).cells(1);
		expect(cells.has('D3')).toBe(false);
		expect(cells.has('D4')).toBe(false);
		expect(cells.size).toBe(14);
		const gaps = workbook([{ name: 's', rows: [[], [null, undefined], [undefined, 'x']] }]);
		expect([...gaps.cells(1).keys()]).toEqual(['B3']);
		expect(gaps.parts.get('xl/worksheets/sheet1.xml')).not.toContain('<row r="1"');
	});

	it('names columns past Z', () => {
		const row = Array.from({ length: 705 }, (_, i) => i);
		const cells = workbook([{ name: 's', rows: [row] }]).cells(1);
		expect(cells.get('Z1')?.value).toBe(25);
		expect(cells.get('AA1')?.value).toBe(26);
		expect(cells.get('AZ1')?.value).toBe(51);
		expect(cells.get('ZZ1')?.value).toBe(701);
		expect(cells.get('AAC1')?.value).toBe(704);
	});

	it('drops characters illegal in XML 1.0 and keeps the rest, line breaks included', () => {
		const text = 'a\u0000b\u0001c\u000bd\uFFFEe\uD800f\uDC00g\t\r\n🙂\u{10FFFD}h';
		const cells = workbook([{ name: 's', rows: [[text]] }]).cells(1);
		expect(cells.get('A1')?.value).toBe('abcdefg\t\r\n🙂\u{10FFFD}h');
	});

	it('keeps literal `_xHHHH_` text, which Excel would otherwise decode', () => {
		const cells = workbook([{ name: 's', rows: [['_x0041_ and _x005F_']] }]).cells(1);
		expect(cells.get('A1')?.value).toBe('_x0041_ and _x005F_');
	});

	it('shows NaN and Infinity as text rather than losing them', () => {
		const cells = workbook([{ name: 's', rows: [['h'], [NaN, Infinity]] }]).cells(1);
		expect(cells.get('A2')).toEqual({ type: 'inlineStr', style: 0, value: 'NaN' });
		expect(cells.get('B2')).toEqual({ type: 'inlineStr', style: 0, value: 'Infinity' });
	});

	it('round-trips any text and any finite number', () => {
		const legal = (s: string) =>
			s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
		const cell = fc.oneof(
			fc.string({ unit: 'binary', maxLength: 20 }),
			fc.string({
				unit: fc.constantFrom('<', '&', '"', "'", '>', '_x0041_', '\r', '民'),
				maxLength: 8
			}),
			fc.double({ noNaN: true, noDefaultInfinity: true }),
			fc.constant(null)
		);
		fc.assert(
			fc.property(fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 5 }), (rows) => {
				const { parts, cells } = workbook([{ name: 's', rows }]);
				for (const [name, xml] of parts) expectWellFormed(xml, name);
				const read = cells(1);
				let expected = 0;
				rows.forEach((row, r) =>
					row.forEach((value, c) => {
						if (value === null) return;
						expected++;
						const got = read.get(`${String.fromCharCode(65 + c)}${r + 1}`);
						if (typeof value === 'number') {
							expect(got).toEqual({ type: 'n', style: r === 0 ? 1 : 0, value: value + 0 });
						} else expect(got?.value).toBe(legal(value));
					})
				);
				expect(read.size).toBe(expected);
			}),
			{ numRuns: 200 }
		);
	});

	it('refuses sheets beyond Excel’s limits', () => {
		expect(() => toXlsx([{ name: 's', rows: [new Array<number>(16_385).fill(1)] }])).toThrow(
			RangeError
		);
		const tooMany = new Array<readonly number[]>(1_048_577).fill([]);
		expect(() => toXlsx([{ name: 's', rows: tooMany }])).toThrow(RangeError);
	});
});

describe('a report a finance officer can sum', () => {
	const sheet: XlsxSheet = {
		name: '2020-07',
		title: ['民生微实事月度报告', '月份：2020-07', '生成：2020-08-01 09:30 市民政局'],
		header: ['镇（区）', '项目数', '预算（元）', '累计覆盖率'],
		rows: [
			[
				'杨舍镇',
				{ value: 12, format: 'integer' },
				{ value: 345678.9, format: 'yuan' },
				{ value: 0.98, format: 'percent' }
			],
			['塘桥镇', { value: 3, format: 'integer' }, { value: 0.5, format: 'yuan' }, null]
		],
		totals: [
			'全市',
			{ value: 15, format: 'integer' },
			{ value: 345679.4, format: 'yuan' },
			{ value: 0.9, format: 'percent' }
		]
	};
	const { parts, cells } = workbook([sheet]);
	const styles = parts.get('xl/styles.xml')!;
	const xfs = [
		.../<cellXfs count="\d+">(.*?)<\/cellXfs>/.exec(styles)![1]!.matchAll(/<xf ([^>]*)\/>/g)
	].map((m) => m[1]!);
	const numFmts = new Map(
		[...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]+)"\/>/g)].map((m) => [
			Number(m[1]),
			m[2]!
		])
	);
	/** The number format a cell shows with (built-in ids named as Excel names them). */
	const formatOf = (style: number) => {
		const id = Number(/numFmtId="(\d+)"/.exec(xfs[style]!)![1]);
		return numFmts.get(id) ?? { 0: 'General', 3: '#,##0', 9: '0%' }[id];
	};
	const boldOf = (style: number) => {
		const fontId = Number(/fontId="(\d+)"/.exec(xfs[style]!)![1]);
		return [...styles.matchAll(/<font>(.*?)<\/font>/g)][fontId]![1]!.includes('<b/>');
	};
	const sheetCells = cells(1);

	it('puts the title lines above the table, the first in large bold, then a blank row', () => {
		expect(sheetCells.get('A1')?.value).toBe('民生微实事月度报告');
		expect(boldOf(sheetCells.get('A1')!.style)).toBe(true);
		expect(styles).toMatch(/<font><b\/><sz val="14"\/>/);
		expect(sheetCells.get('A3')?.value).toBe('生成：2020-08-01 09:30 市民政局');
		expect([...sheetCells.keys()].filter((ref) => /^[A-Z]+4$/.test(ref))).toEqual([]);
		expect(sheetCells.get('D5')).toMatchObject({ value: '累计覆盖率', type: 'inlineStr' });
		expect(boldOf(sheetCells.get('D5')!.style)).toBe(true);
		// The column titles stay in view: the pane is frozen under them.
		expect(parts.get('xl/worksheets/sheet1.xml')).toContain('<pane ySplit="5" topLeftCell="A6"');
	});

	it('writes amounts, counts and percentages as numbers with their formats', () => {
		expect(sheetCells.get('B6')).toMatchObject({ type: 'n', value: 12 });
		expect(formatOf(sheetCells.get('B6')!.style)).toBe('#,##0');
		expect(sheetCells.get('C6')).toMatchObject({ type: 'n', value: 345678.9 });
		expect(formatOf(sheetCells.get('C6')!.style)).toBe('#,##0.00');
		expect(sheetCells.get('D6')).toMatchObject({ type: 'n', value: 0.98 });
		expect(formatOf(sheetCells.get('D6')!.style)).toBe('0%');
		expect(sheetCells.has('D7')).toBe(false);
	});

	it('ends with the totals in bold, numbers still numbers', () => {
		expect(sheetCells.get('A8')?.value).toBe('全市');
		expect(sheetCells.get('C8')).toMatchObject({ type: 'n', value: 345679.4 });
		expect(formatOf(sheetCells.get('C8')!.style)).toBe('#,##0.00');
		for (const ref of ['A8', 'B8', 'C8', 'D8'])
			expect(boldOf(sheetCells.get(ref)!.style), ref).toBe(true);
		expect(boldOf(sheetCells.get('C6')!.style)).toBe(false);
	});

	it('is deflated: smaller than its parts', () => {
		const bytes = toXlsx([sheet]);
		const parts = readZip(bytes);
		expect(parts.some((e) => e.method === 8)).toBe(true);
		expect(bytes.length).toBeLessThan(parts.reduce((sum, e) => sum + e.data.length, 0));
	});
});

describe('sheet names', () => {
	const valid = (name: string) =>
		name.length >= 1 &&
		name.length <= 31 &&
		!/[[\]:*?/\\]/.test(name) &&
		!name.startsWith("'") &&
		!name.endsWith("'");

	it('replaces forbidden characters, truncates to 31, and makes names unique', () => {
		const requested = [
			'2025/05 报表',
			'a[1]:b*c?d\\e',
			'x'.repeat(40),
			'X'.repeat(40),
			'',
			'   ',
			"'quoted'",
			'history',
			'月报',
			'月报',
			'Sheet5'
		];
		const { names } = workbook(requested.map((name) => ({ name, rows: [] })));
		expect(names).toEqual([
			'2025_05 报表',
			'a_1__b_c_d_e',
			'x'.repeat(31),
			`${'X'.repeat(27)} (2)`,
			'Sheet5',
			'Sheet6',
			'quoted',
			'history (2)',
			'月报',
			'月报 (2)',
			'Sheet5 (2)'
		]);
		for (const name of names) expect(valid(name), name).toBe(true);
	});

	it('does not split a surrogate pair when truncating', () => {
		const [name] = sheetNames([`${'a'.repeat(30)}🙂`]);
		expect(name).toBe('a'.repeat(30));
		expect(sheetNames(['🙂'.repeat(20)])[0]).toBe('🙂'.repeat(15));
	});

	it('always gives valid, case-insensitively unique names', () => {
		fc.assert(
			fc.property(
				fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 8 }),
				(raw) => {
					const names = sheetNames(raw);
					expect(names).toHaveLength(raw.length);
					for (const name of names) expect(valid(name), name).toBe(true);
					expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
				}
			)
		);
	});
});

describe('xlsx module', () => {
	it('uses no Node-only API, so it runs in the browser', () => {
		const source = readFileSync(
			new URL('../../../src/lib/export/xlsx.ts', import.meta.url),
			'utf8'
		);
		// fflate, the ZIP library, runs in both; nothing else is imported.
		const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
		expect(imports).toEqual(['fflate']);
		expect(source).not.toMatch(/\brequire\(|\bBuffer\b|\bprocess\.|node:|zlib/);
	});
});
