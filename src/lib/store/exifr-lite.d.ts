/** exifr's lite build (JPEG + EXIF + GPS) has the same API as the full one, without its weight. */
declare module 'exifr/dist/lite.esm.mjs' {
	import exifr from 'exifr';
	export default exifr;
}
