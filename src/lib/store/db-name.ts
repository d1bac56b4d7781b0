/**
 * The name of the app's one IndexedDB database (db.ts), apart from it: the shell asks whether the
 * database exists before it loads the data layer (app-shell.svelte.ts).
 */
export const databaseName = 'kuaiban';
