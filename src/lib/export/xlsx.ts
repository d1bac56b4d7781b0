import { zipSync, type Zippable } from 'fflate';

/**
 * A small XLSX (Office Open XML spreadsheet) writer for the monthly report and other tables. It
 * runs in the browser and in Node: TextEncoder, typed arrays and fflate's ZIP.
 *
 * The workbook is the smallest one Excel, WPS and LibreOffice open without a repair prompt:
 * inline strings (no shared-string table), a few styles (a title, bold column titles and totals,
 * number formats for yuan, percentages and counts), and a ZIP made by fflate. Numbers are numeric
 * cells, so a finance officer can sum and chart them. The same input always gives the same bytes
 * (fixed timestamps, fixed entry order), so an export can be compared or hashed.
 *
 * The caller makes the file: `new Blob([toXlsx(sheets)], { type: XLSX_MIME })`.
 */

/**
 * How a number is shown: `integer` with thousands separators, `decimal` with one decimal,
 * `yuan` with separators and two decimals (the value in yuan), `percent` as a whole percent (the
 * value a fraction: 0.98 shows 98%).
 */
export type XlsxFormat = 'integer' | 'decimal' | 'yuan' | 'percent';

/** A number with its format (text and empty cells need none). */
export interface XlsxNumber {
	readonly value: number;
	readonly format: XlsxFormat;
}

export type XlsxCell = string | number | null | undefined | XlsxNumber;

export interface XlsxSheet {
	readonly name: string;
	/**
	 * Lines above the table, the first in large bold type: what the report is, its period,
	 * where, when and by whom it was made. A blank row separates them from the table.
	 */
	readonly title?: readonly string[];
	/** The column titles, in bold and kept in view while scrolling; without them, the first row. */
	readonly header?: readonly XlsxCell[];
	readonly rows: readonly (readonly XlsxCell[])[];
	/** A last row in bold: the totals. */
	readonly totals?: readonly XlsxCell[];
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Excel's limits: a larger sheet is refused when opened, so it is refused here instead. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
/** Excel truncates (and asks to repair) a longer cell text. */
const MAX_CELL_TEXT = 32_767;
const MAX_SHEET_NAME = 31;

/**
 * The workbook as XLSX bytes. Numbers are numeric cells, strings inline-string cells, null and
 * undefined empty cells; the first row of each sheet is bold (the header). Sheet names are made
 * valid and unique rather than refused. No sheets gives one empty sheet: a workbook needs one.
 * Throws RangeError only when a sheet exceeds Excel's row or column limits.
 */
export function toXlsx(sheets: readonly XlsxSheet[]): Uint8Array<ArrayBuffer> {
	const list: readonly XlsxSheet[] = sheets.length > 0 ? sheets : [{ name: 'Sheet1', rows: [] }];
	const names = sheetNames(list.map((s) => s.name));
	const files: [string, string][] = [
		['[Content_Types].xml', contentTypesXml(list.length)],
		['_rels/.rels', ROOT_RELS],
		['xl/workbook.xml', workbookXml(names)],
		['xl/_rels/workbook.xml.rels', workbookRelsXml(list.length)],
		['xl/styles.xml', STYLES_XML],
		...list.map((s, i): [string, string] => [`xl/${sheetPath(i)}`, sheetXml(s)])
	];
	const encoder = new TextEncoder();
	const entries: Zippable = {};
	for (const [name, text] of files) entries[name] = [encoder.encode(text), { mtime: ZIP_TIME }];
	return zipSync(entries, { level: 6 }) as Uint8Array<ArrayBuffer>;
}

/**
 * Every entry's time: 1980-01-01 00:00, the first a ZIP can hold, so that the same workbook is the
 * same bytes. fflate reads the date's local fields, so it is made from local fields too.
 */
const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);

// ---------------------------------------------------------------------------------------------
// Text

/** Everything outside XML 1.0's Char production, lone surrogates included (the `u` flag). */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function dropXmlIllegal(s: string): string {
	return s.replace(XML_ILLEGAL, '');
}

function escapeXml(s: string): string {
	return (
		s
			.replace(/&/g, '&amp;')
			.replace(/</g, '&lt;')
			.replace(/>/g, '&gt;')
			.replace(/"/g, '&quot;')
			.replace(/'/g, '&apos;')
			// A parser turns a raw CR (or CRLF) into LF; the reference keeps it.
			.replace(/\r/g, '&#13;')
	);
}

/**
 * Cell text as Excel reads it: Excel decodes `_xHHHH_` in text as a character, so a literal one
 * has its underscore escaped (`_x005F_`) to come back unchanged.
 */
function cellText(s: string): string {
	let text = dropXmlIllegal(s);
	if (text.length > MAX_CELL_TEXT) text = cutAt(text, MAX_CELL_TEXT);
	return escapeXml(text.replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1'));
}

/** The first `max` UTF-16 units of `s`, without splitting a surrogate pair. */
function cutAt(s: string, max: number): string {
	if (s.length <= max) return s;
	const last = s.charCodeAt(max - 1);
	return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

// ---------------------------------------------------------------------------------------------
// Sheet names

/**
 * Names Excel accepts: no `[ ] : * ? / \`, tabs or line breaks, at most 31 characters, not
 * starting or ending with an apostrophe, not empty, not the reserved "History", and unique
 * ignoring case.
 */
export function sheetNames(requested: readonly string[]): string[] {
	const taken = new Set<string>(['history']);
	return requested.map((raw, i) => {
		let base = dropXmlIllegal(raw)
			.replace(/[[\]:*?/\\]/g, '_')
			.replace(/[\t\n\r]/g, ' ');
		base = trimApostrophes(cutAt(base, MAX_SHEET_NAME));
		if (base.trim() === '') base = `Sheet${i + 1}`;
		let name = base;
		for (let n = 2; taken.has(name.toLowerCase()); n++) {
			const suffix = ` (${n})`;
			name = trimApostrophes(cutAt(base, MAX_SHEET_NAME - suffix.length)) + suffix;
		}
		taken.add(name.toLowerCase());
		return name;
	});
}

function trimApostrophes(s: string): string {
	return s.replace(/^'+|'+$/g, '');
}

// ---------------------------------------------------------------------------------------------
// Worksheet

/** Column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
	let name = '';
	for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
		name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
	}
	return name;
}

/** The cell formats of STYLES_XML, by their index in its `cellXfs`. */
const STYLE = {
	plain: 0,
	bold: 1,
	title: 2,
	number: { integer: 3, decimal: 4, yuan: 5, percent: 6 },
	boldNumber: { integer: 7, decimal: 8, yuan: 9, percent: 10 }
} as const;

type RowKind = 'title' | 'line' | 'header' | 'body' | 'totals';

function sheetXml(sheet: XlsxSheet): string {
	const title = sheet.title ?? [];
	const [header, body] =
		sheet.header !== undefined ? [sheet.header, sheet.rows] : [sheet.rows[0], sheet.rows.slice(1)];
	const rows: [RowKind, readonly XlsxCell[]][] = [
		...title.map((line, i): [RowKind, XlsxCell[]] => [i === 0 ? 'title' : 'line', [line]]),
		...(title.length > 0 ? [['line', []] as [RowKind, XlsxCell[]]] : []),
		...(header !== undefined ? [['header', header] as [RowKind, readonly XlsxCell[]]] : []),
		...body.map((row): [RowKind, readonly XlsxCell[]] => ['body', row]),
		...(sheet.totals ? [['totals', sheet.totals] as [RowKind, readonly XlsxCell[]]] : [])
	];
	if (rows.length > MAX_ROWS) throw new RangeError(`A sheet has at most ${MAX_ROWS} rows`);
	const columns = rows.reduce((max, [, r]) => Math.max(max, r.length), 0);
	if (columns > MAX_COLUMNS) throw new RangeError(`A sheet has at most ${MAX_COLUMNS} columns`);
	/** The row under the column titles: where the frozen part ends. */
	const firstBodyRow = title.length + (title.length > 0 ? 1 : 0) + (header !== undefined ? 1 : 0);

	const widths = new Array<number>(columns).fill(0);
	const rowsXml: string[] = [];
	let lastRow = 0;
	rows.forEach(([kind, row], r) => {
		const cells: string[] = [];
		const bold = kind === 'header' || kind === 'totals';
		row.forEach((cell, c) => {
			const value = typeof cell === 'object' && cell !== null ? cell.value : cell;
			if (value === null || value === undefined) return;
			const ref = `${columnName(c)}${r + 1}`;
			const format = typeof cell === 'object' && cell !== null ? cell.format : undefined;
			// NaN and ±Infinity have no numeric cell form: they are shown as text, not lost.
			if (typeof value === 'number' && Number.isFinite(value)) {
				const style = format
					? (bold ? STYLE.boldNumber : STYLE.number)[format]
					: bold
						? STYLE.bold
						: STYLE.plain;
				cells.push(`<c r="${ref}"${styleAttribute(style)}><v>${value}</v></c>`);
			} else {
				const style = kind === 'title' ? STYLE.title : bold ? STYLE.bold : STYLE.plain;
				const text = `<is><t xml:space="preserve">${cellText(String(value))}</t></is>`;
				cells.push(`<c r="${ref}"${styleAttribute(style)} t="inlineStr">${text}</c>`);
			}
			// A title line may run across the columns: it does not widen the first one.
			if (kind === 'title' || kind === 'line') return;
			const shown = format ? formattedWidth(value as number, format) : displayWidth(String(value));
			widths[c] = Math.max(widths[c]!, shown + (bold ? 1 : 0));
		});
		if (cells.length === 0) return;
		rowsXml.push(`<row r="${r + 1}">${cells.join('')}</row>`);
		lastRow = r + 1;
	});

	const used = lastRow > 0 ? `A1:${columnName(Math.max(columns, 1) - 1)}${lastRow}` : 'A1';
	// Frozen titles: the column titles stay in view while scrolling a long report.
	const pane =
		`<pane ySplit="${firstBodyRow}" topLeftCell="A${firstBodyRow + 1}" ` +
		'activePane="bottomLeft" state="frozen"/>';
	const frozen = firstBodyRow > 0 && rows.length > firstBodyRow;
	const view = `<sheetView workbookViewId="0">${frozen ? pane : ''}</sheetView>`;
	const cols =
		columns > 0
			? `<cols>${widths
					.map(
						(w, i) =>
							`<col min="${i + 1}" max="${i + 1}" width="${columnWidth(w)}" customWidth="1"/>`
					)
					.join('')}</cols>`
			: '';
	return (
		XML_DECLARATION +
		`<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
		`<dimension ref="${used}"/><sheetViews>${view}</sheetViews>` +
		`<sheetFormatPr defaultRowHeight="15"/>${cols}` +
		`<sheetData>${rowsXml.join('')}</sheetData>` +
		'</worksheet>'
	);
}

function styleAttribute(style: number): string {
	return style === STYLE.plain ? '' : ` s="${style}"`;
}

/** About how wide a number shows in its format: digits, separators, decimals, the sign. */
function formattedWidth(value: number, format: XlsxFormat): number {
	const whole = Math.abs(Math.trunc(format === 'percent' ? value * 100 : value)).toString().length;
	const separators = format === 'percent' ? 0 : Math.floor((whole - 1) / 3);
	const decimals = { integer: 0, decimal: 2, yuan: 3, percent: 1 }[format];
	return whole + separators + decimals + (value < 0 ? 1 : 0);
}

/** Width in Excel's units (characters of the default font): wide (CJK) characters count two. */
function displayWidth(s: string): number {
	let width = 0;
	const line = s.split('\n').reduce((a, b) => (b.length > a.length ? b : a), '');
	for (const ch of line) width += isWide(ch.codePointAt(0)!) ? 2 : 1;
	return width;
}

function isWide(cp: number): boolean {
	return (
		(cp >= 0x1100 && cp <= 0x115f) ||
		(cp >= 0x2e80 && cp <= 0xa4cf) ||
		(cp >= 0xac00 && cp <= 0xd7a3) ||
		(cp >= 0xf900 && cp <= 0xfaff) ||
		(cp >= 0xfe30 && cp <= 0xfe4f) ||
		(cp >= 0xff00 && cp <= 0xff60) ||
		(cp >= 0xffe0 && cp <= 0xffe6) ||
		(cp >= 0x20000 && cp <= 0x3fffd)
	);
}

/** A little padding, and bounds so that one long note does not make a column page-wide. */
function columnWidth(chars: number): number {
	return Math.min(Math.max(chars + 2, 8), 60);
}

// ---------------------------------------------------------------------------------------------
// Package parts

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT_SML = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
const CT_RELS = 'application/vnd.openxmlformats-package.relationships+xml';

/** The part of sheet `i` (from 0), relative to `xl/`. */
function sheetPath(i: number): string {
	return `worksheets/sheet${i + 1}.xml`;
}

function contentTypesXml(sheetCount: number): string {
	const sheets = Array.from(
		{ length: sheetCount },
		(_, i) => `<Override PartName="/xl/${sheetPath(i)}" ContentType="${CT_SML}.worksheet+xml"/>`
	).join('');
	return (
		XML_DECLARATION +
		'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
		`<Default Extension="rels" ContentType="${CT_RELS}"/>` +
		'<Default Extension="xml" ContentType="application/xml"/>' +
		`<Override PartName="/xl/workbook.xml" ContentType="${CT_SML}.sheet.main+xml"/>` +
		sheets +
		`<Override PartName="/xl/styles.xml" ContentType="${CT_SML}.styles+xml"/>` +
		'</Types>'
	);
}

const ROOT_RELS =
	XML_DECLARATION +
	`<Relationships xmlns="${NS_PKG_REL}">` +
	`<Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/>` +
	'</Relationships>';

function workbookXml(names: readonly string[]): string {
	const sheets = names
		.map((n, i) => `<sheet name="${escapeXml(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
		.join('');
	return (
		XML_DECLARATION +
		`<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
		'<bookViews><workbookView activeTab="0"/></bookViews>' +
		`<sheets>${sheets}</sheets>` +
		'</workbook>'
	);
}

function workbookRelsXml(sheetCount: number): string {
	const sheets = Array.from(
		{ length: sheetCount },
		(_, i) =>
			`<Relationship Id="rId${i + 1}" Type="${REL_TYPE}/worksheet" Target="${sheetPath(i)}"/>`
	).join('');
	return (
		XML_DECLARATION +
		`<Relationships xmlns="${NS_PKG_REL}">${sheets}` +
		`<Relationship Id="rId${sheetCount + 1}" Type="${REL_TYPE}/styles" Target="styles.xml"/>` +
		'</Relationships>'
	);
}

/**
 * The styles of STYLE: plain, bold (column titles, totals), the title (bold, larger), and the
 * number formats plain and bold. Excel requires the two built-in fills (none, gray125), a border,
 * and a cell style format even when none is used. Formats 3 (#,##0) and 9 (0%) are built in.
 */
const NUMBER_FORMATS = { integer: 3, decimal: 164, yuan: 165, percent: 9 } as const;
const xf = (fontId: number, numFmtId = 0) =>
	`<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="0" borderId="0" xfId="0"` +
	`${fontId ? ' applyFont="1"' : ''}${numFmtId ? ' applyNumberFormat="1"' : ''}/>`;
const numberXfs = (fontId: number) =>
	(['integer', 'decimal', 'yuan', 'percent'] as const)
		.map((f) => xf(fontId, NUMBER_FORMATS[f]))
		.join('');
const STYLES_XML =
	XML_DECLARATION +
	`<styleSheet xmlns="${NS_MAIN}">` +
	'<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.0"/>' +
	'<numFmt numFmtId="165" formatCode="#,##0.00"/></numFmts>' +
	'<fonts count="3">' +
	'<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
	'<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
	'<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>' +
	'</fonts>' +
	'<fills count="2"><fill><patternFill patternType="none"/></fill>' +
	'<fill><patternFill patternType="gray125"/></fill></fills>' +
	'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
	'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
	`<cellXfs count="11">${xf(0)}${xf(1)}${xf(2)}${numberXfs(0)}${numberXfs(1)}</cellXfs>` +
	'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
	'</styleSheet>';
