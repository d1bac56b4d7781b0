/** Hands a file made in the browser to the person (CSV and XLSX exports): no server involved. */
export function download(filename: string, blob: Blob): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	a.click();
	// The click starts the download asynchronously; revoking at once can cancel it in some browsers.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
