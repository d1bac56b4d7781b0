/**
 * A small XLSX (Office Open XML spreadsheet) writer with no dependencies, for the monthly report
 * and other tables. It runs in the browser and in Node: only TextEncoder and typed arrays.
 *
 * The workbook is the smallest one Excel, WPS and LibreOffice open without a repair prompt:
 * inline strings (no shared-string table), one bold style for the header row, and a ZIP written
 * with the STORE method. The same input always gives the same bytes (fixed timestamps, fixed
 * entry order), so an export can be compared or hashed.
 *
 * The caller makes the file: `new Blob([toXlsx(sheets)], { type: XLSX_MIME })`.
 */

export type XlsxCell = string | number | null | undefined;

export interface XlsxSheet {
	readonly name: string;
	readonly rows: readonly (readonly XlsxCell[])[];
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
		...list.map((s, i): [string, string] => [`xl/${sheetPath(i)}`, sheetXml(s.rows)])
	];
	const encoder = new TextEncoder();
	return zipStore(files.map(([name, text]) => ({ name, data: encoder.encode(text) })));
}

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

const HEADER_STYLE = 1;

function sheetXml(rows: readonly (readonly XlsxCell[])[]): string {
	if (rows.length > MAX_ROWS) throw new RangeError(`A sheet has at most ${MAX_ROWS} rows`);
	const columns = rows.reduce((max, r) => Math.max(max, r.length), 0);
	if (columns > MAX_COLUMNS) throw new RangeError(`A sheet has at most ${MAX_COLUMNS} columns`);

	const widths = new Array<number>(columns).fill(0);
	const rowsXml: string[] = [];
	let lastRow = 0;
	rows.forEach((row, r) => {
		const cells: string[] = [];
		row.forEach((value, c) => {
			if (value === null || value === undefined) return;
			const ref = `${columnName(c)}${r + 1}`;
			const style = r === 0 ? ` s="${HEADER_STYLE}"` : '';
			// NaN and ±Infinity have no numeric cell form: they are shown as text, not lost.
			if (typeof value === 'number' && Number.isFinite(value)) {
				cells.push(`<c r="${ref}"${style}><v>${value}</v></c>`);
			} else {
				const text = `<is><t xml:space="preserve">${cellText(String(value))}</t></is>`;
				cells.push(`<c r="${ref}"${style} t="inlineStr">${text}</c>`);
			}
			widths[c] = Math.max(widths[c]!, displayWidth(String(value)) + (r === 0 ? 1 : 0));
		});
		if (cells.length === 0) return;
		rowsXml.push(`<row r="${r + 1}">${cells.join('')}</row>`);
		lastRow = r + 1;
	});

	const used = lastRow > 0 ? `A1:${columnName(columns - 1)}${lastRow}` : 'A1';
	// Frozen header: the column titles stay in view while scrolling a long report.
	const pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>';
	const view = `<sheetView workbookViewId="0">${rows.length > 1 ? pane : ''}</sheetView>`;
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
 * Style 0 is the default, style 1 (HEADER_STYLE) the same font in bold. Excel requires the two
 * built-in fills (none, gray125), a border, and a cell style format even when none is used.
 */
const STYLES_XML =
	XML_DECLARATION +
	`<styleSheet xmlns="${NS_MAIN}">` +
	'<fonts count="2">' +
	'<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
	'<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
	'</fonts>' +
	'<fills count="2"><fill><patternFill patternType="none"/></fill>' +
	'<fill><patternFill patternType="gray125"/></fill></fills>' +
	'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
	'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
	'<cellXfs count="2">' +
	'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
	'<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
	'</cellXfs>' +
	'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
	'</styleSheet>';

// ---------------------------------------------------------------------------------------------
// ZIP (STORE only)

interface ZipEntry {
	readonly name: string;
	readonly data: Uint8Array;
}

/** 1980-01-01 00:00:00, the earliest DOS date: fixed so that the output is reproducible. */
const DOS_TIME = 0;
const DOS_DATE = ((1980 - 1980) << 9) | (1 << 5) | 1;
/** 1.0: enough to read a stored entry. */
const ZIP_VERSION = 10;
const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;

/**
 * A ZIP archive of the entries, uncompressed (method 0). Names are ASCII here, so the UTF-8 name
 * flag is not needed. No ZIP64: entries and sizes stay far below its limits for a report.
 */
export function zipStore(entries: readonly ZipEntry[]): Uint8Array<ArrayBuffer> {
	const encoder = new TextEncoder();
	const names = entries.map((e) => encoder.encode(e.name));
	const crcs = entries.map((e) => crc32(e.data));
	const localSize = entries.reduce(
		(n, e, i) => n + LOCAL_HEADER + names[i]!.length + e.data.length,
		0
	);
	const centralSize = names.reduce((n, name) => n + CENTRAL_HEADER + name.length, 0);
	const total = localSize + centralSize + END_RECORD;
	if (entries.length > 0xffff || total > 0xffffffff) throw new RangeError('Too large for ZIP32');

	const out = new Uint8Array(total);
	const view = new DataView(out.buffer);
	const offsets: number[] = [];
	let at = 0;
	entries.forEach((e, i) => {
		offsets.push(at);
		view.setUint32(at, 0x04034b50, true);
		view.setUint16(at + 4, ZIP_VERSION, true);
		view.setUint16(at + 6, 0, true); // flags
		view.setUint16(at + 8, 0, true); // method: store
		view.setUint16(at + 10, DOS_TIME, true);
		view.setUint16(at + 12, DOS_DATE, true);
		view.setUint32(at + 14, crcs[i]!, true);
		view.setUint32(at + 18, e.data.length, true); // compressed size
		view.setUint32(at + 22, e.data.length, true);
		view.setUint16(at + 26, names[i]!.length, true);
		view.setUint16(at + 28, 0, true); // extra field length
		out.set(names[i]!, at + LOCAL_HEADER);
		out.set(e.data, at + LOCAL_HEADER + names[i]!.length);
		at += LOCAL_HEADER + names[i]!.length + e.data.length;
	});
	const centralStart = at;
	entries.forEach((e, i) => {
		view.setUint32(at, 0x02014b50, true);
		view.setUint16(at + 4, ZIP_VERSION, true); // made by: MS-DOS, 1.0
		view.setUint16(at + 6, ZIP_VERSION, true);
		view.setUint16(at + 8, 0, true);
		view.setUint16(at + 10, 0, true);
		view.setUint16(at + 12, DOS_TIME, true);
		view.setUint16(at + 14, DOS_DATE, true);
		view.setUint32(at + 16, crcs[i]!, true);
		view.setUint32(at + 20, e.data.length, true);
		view.setUint32(at + 24, e.data.length, true);
		view.setUint16(at + 28, names[i]!.length, true);
		// Extra and comment lengths, disk number, internal and external attributes (30–41): zero.
		view.setUint32(at + 42, offsets[i]!, true);
		out.set(names[i]!, at + CENTRAL_HEADER);
		at += CENTRAL_HEADER + names[i]!.length;
	});
	view.setUint32(at, 0x06054b50, true);
	view.setUint16(at + 8, entries.length, true); // entries on this disk
	view.setUint16(at + 10, entries.length, true);
	view.setUint32(at + 12, at - centralStart, true);
	view.setUint32(at + 16, centralStart, true);
	return out;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as ZIP requires. */
export function crc32(data: Uint8Array): number {
	if (!crcTable) {
		crcTable = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c >>> 0;
		}
	}
	let crc = 0xffffffff;
	for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}
