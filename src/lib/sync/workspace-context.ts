import { getContext, setContext } from 'svelte';
import type { Workspace } from './workspace.svelte';

/**
 * The workspace in the Svelte context, apart from the workspace itself so that a component that
 * only needs the context does not load the data layer with it (the sign-in page does not: see
 * app-shell.svelte.ts). The layout renders the pages only once the workspace is there.
 */

const key = Symbol('workspace');

export function setWorkspace(current: () => Workspace | undefined): void {
	setContext(key, current);
}

export function getWorkspace(): Workspace {
	const workspace = getContext<() => Workspace | undefined>(key)?.();
	if (!workspace) throw new Error('The workspace is not open yet: render this only when it is');
	return workspace;
}
