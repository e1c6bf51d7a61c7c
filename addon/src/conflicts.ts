// After a push: what each quantity cell shows, what the add-on remembers as its base, and which
// cells carry a mark. A refused push (409 EDIT_CONFLICT) loses nothing: conflicting cells show the
// other planner's value with a note holding the planner's own; the planner's other edits stay on
// the sheet, marked as not pushed yet, with the base they were made against. Pure.
import type { CellValue } from './gas.js';
import { cellKey, type BadCell, type CellEdit } from './diff.js';
import type { CellMark } from './layout.js';
import type { Matrix } from './model.js';

import type { CellConflict } from '../../shared/productionOrder.js';

export type { CellConflict };

export interface ConflictDetails {
  conflicts: CellConflict[];
  updatedBy: string | null;
  updatedAt: string | null;
  version: number | null;
}

/** Reads a 409's details defensively: whatever is missing is null or empty. */
export function readConflictDetails(details: unknown): ConflictDetails {
  const d = (details ?? {}) as Record<string, unknown>;
  const list = Array.isArray(d.conflicts) ? d.conflicts : [];
  const conflicts = list
    .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
    .filter((c) => typeof c.color === 'string' && typeof c.size === 'string')
    .map((c) => ({
      color: c.color as string,
      size: c.size as string,
      from: Number(c.from),
      to: Number(c.to),
      current: Number(c.current),
    }));
  return {
    conflicts,
    updatedBy: typeof d.updatedBy === 'string' ? d.updatedBy : null,
    updatedAt: typeof d.updatedAt === 'string' ? d.updatedAt : null,
    version: typeof d.version === 'number' ? d.version : null,
  };
}

export interface ViewInput {
  /** The server's matrix: the layout the sheet is rewritten with. */
  server: Matrix;
  /** Edits the planner made that did not reach the server (empty after a successful push). */
  unsent?: CellEdit[];
  conflicts?: CellConflict[];
  conflictBy?: string | null;
  conflictAt?: string | null;
  bad?: BadCell[];
}

export interface SheetView {
  /** Remembered as the base of the next push. */
  base: Matrix;
  /** What the quantity cells show (server shape). */
  display: CellValue[][];
  marks: CellMark[];
  /** Unsent edits to cells the server no longer has (a size or color removed meanwhile). */
  dropped: CellEdit[];
  pending: number;
  conflicted: number;
  invalid: number;
}

export function composeView(input: ViewInput): SheetView {
  const { server } = input;
  const who = input.conflictBy || 'another user';
  const when = input.conflictAt ? ` (${input.conflictAt})` : '';
  const conflictAt = new Map((input.conflicts ?? []).map((c) => [cellKey(c.color, c.size), c]));
  const unsentAt = new Map((input.unsent ?? []).map((e) => [cellKey(e.color, e.size), e]));
  const badAt = new Map((input.bad ?? []).map((b) => [cellKey(b.color, b.size), b]));
  const marks: CellMark[] = [];
  let pending = 0;
  let conflicted = 0;
  let invalid = 0;
  const seen = new Set<string>();

  const baseQ = server.quantities.map((row) => [...row]);
  const display: CellValue[][] = server.quantities.map((row) => [...row]);
  server.colors.forEach((color, r) =>
    server.sizes.forEach((size, c) => {
      const key = cellKey(color, size);
      const now = server.quantities[r][c];
      const bad = badAt.get(key);
      const conflict = conflictAt.get(key);
      const mine = unsentAt.get(key);
      if (bad || conflict || mine) seen.add(key);
      if (bad) {
        invalid++;
        display[r][c] = bad.raw;
        marks.push({
          color,
          size,
          kind: 'invalid',
          note: `Not sent: this cell ${bad.reason}. The order holds ${now}.`,
        });
        return;
      }
      if (conflict) {
        conflicted++;
        marks.push({
          color,
          size,
          kind: 'conflict',
          note:
            `Conflict: ${who} changed this cell to ${now}${when} (it was ${conflict.from} when you pulled). ` +
            `Your value ${conflict.to} was not sent: "Keep mine" in the sidebar sends it.`,
        });
        return;
      }
      if (mine) {
        if (now === mine.to) return; // the same change reached the server another way
        if (now === mine.from) {
          pending++;
          display[r][c] = mine.to;
          baseQ[r][c] = mine.from;
          marks.push({
            color,
            size,
            kind: 'pending',
            note: `Not pushed yet: your change ${mine.from} → ${mine.to} is kept. Push again to send it.`,
          });
          return;
        }
        conflicted++;
        marks.push({
          color,
          size,
          kind: 'conflict',
          note:
            `Conflict: ${who} changed this cell to ${now}${when} (it was ${mine.from} when you pulled). ` +
            `Your value ${mine.to} was not sent: "Keep mine" in the sidebar sends it.`,
        });
      }
    }),
  );
  const dropped = (input.unsent ?? []).filter((e) => !seen.has(cellKey(e.color, e.size)));
  return {
    base: { sizes: [...server.sizes], colors: [...server.colors], quantities: baseQ },
    display,
    marks,
    dropped,
    pending,
    conflicted,
    invalid,
  };
}
