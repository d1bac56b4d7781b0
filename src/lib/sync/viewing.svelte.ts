import type { Room, Workspace } from './workspace.svelte';

/**
 * Tells a record's room who has it open (`Workspace.viewing`, for "also here") while the calling
 * component lives: once per room and record, not again at every change of the record (a record
 * found anew after each change is a new object; its room is the same).
 */
export function followViewing(
	workspace: Pick<Workspace, 'viewing'>,
	room: () => Room | undefined,
	recordId: () => string
): void {
	const current = $derived(room());
	$effect(() => {
		const shown = current;
		if (!shown) return;
		workspace.viewing(shown, recordId());
		return () => workspace.viewing(shown, undefined);
	});
}
