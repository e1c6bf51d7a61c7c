/// <reference lib="dom" />
// "Show cells" on every batch row: the server draws the batch's own cells on its sheet (planned;
// produced, rejected and missing once finished: addon/src/batchSheet.ts) and activates it.
import { call } from './run.js';
import type { SidebarKit } from './kit.js';

export const SHOW_CELLS_LABEL = 'Show cells';

export function showBatchCells(kit: SidebarKit, orderId: string, batchId: string, anchor: Element): void {
  void kit.act(
    `Drawing the cells of ${batchId}…`,
    () => call('showBatchCells', orderId, batchId),
    () => undefined,
    undefined,
    anchor,
  );
}
