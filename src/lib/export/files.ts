import type { XlsxSheet } from './xlsx';

/** A CSV, as `toCsv` wrote it, as a file to download. */
export function csvFile(csv: string): Blob {
	return new Blob([csv], { type: 'text/csv;charset=utf-8' });
}

/**
 * A workbook as a file to download. The writer and its ZIP library load only when someone
 * exports: the lists and the monthly report do not carry them to every tablet that opens them.
 */
export async function xlsxFile(sheets: readonly XlsxSheet[]): Promise<Blob> {
	const { toXlsx, XLSX_MIME } = await import('./xlsx');
	return new Blob([toXlsx(sheets)], { type: XLSX_MIME });
}
