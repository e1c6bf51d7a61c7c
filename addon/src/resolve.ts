// Conflicts resolved in place, and bulk entry written as pending edits. After a refused push the
// add-on keeps a list of the conflicting cells (where they are, what you typed, what they hold now,
// who changed them and when); "keep mine" turns a cell into a pending edit against the value the
// server holds now (so the next push sends from = theirs, against the new version), "take theirs"
// just drops the cell's conflict. A ratio fill or a paste sets cells the same way: each changed
// cell becomes a pending edit from the pulled value. Pure.
import { cellKey, type BadCell, type CellEdit } from './diff.js';
import { a1, type Block } from './layout.js';
import type { CellConflict } from './conflicts.js';
import type { Matrix } from './model.js';
import type { ConflictChoice, ConflictRow } from './protocol.js';

/**
 * The cells composeView marks as conflicts (the same rule: in the 409's list, or an unsent edit
 * whose cell moved to a third value), with their place on the sheet the view is written to.
 */
export function conflictRows(input: {
  server: Matrix;
  unsent: readonly CellEdit[];
  conflicts: readonly CellConflict[];
  bad?: readonly BadCell[];
  block: Pick<Block, 'row' | 'col'>;
  by: string | null;
  at: string | null;
}): ConflictRow[] {
  const { server, block } = input;
  const listed = new Map(input.conflicts.map((c) => [cellKey(c.color, c.size), c]));
  const unsent = new Map(input.unsent.map((e) => [cellKey(e.color, e.size), e]));
  const bad = new Set((input.bad ?? []).map((b) => cellKey(b.color, b.size)));
  const rows: ConflictRow[] = [];
  server.colors.forEach((color, r) =>
    server.sizes.forEach((size, c) => {
      const key = cellKey(color, size);
      if (bad.has(key)) return;
      const theirs = server.quantities[r][c];
      const hit = listed.get(key) ?? unsent.get(key);
      if (!hit) return;
      if (!listed.has(key) && (theirs === hit.from || theirs === hit.to)) return;
      const row = block.row + r;
      const col = block.col + c;
      rows.push({
        color,
        size,
        ref: a1(row, col),
        row,
        col,
        base: hit.from,
        mine: hit.to,
        theirs,
        by: input.by,
        at: input.at,
      });
    }),
  );
  return rows;
}

/** What a push after the choices sends: the unsent edits, plus "mine" for the cells kept. */
export function applyChoices(
  conflicts: readonly ConflictRow[],
  choices: readonly ConflictChoice[],
  edits: readonly CellEdit[],
): { edits: CellEdit[]; remaining: ConflictRow[]; kept: number; taken: number } {
  const choice = new Map(choices.map((c) => [cellKey(c.color, c.size), c.keep]));
  const out = new Map(edits.map((e) => [cellKey(e.color, e.size), { ...e }]));
  const remaining: ConflictRow[] = [];
  let kept = 0;
  let taken = 0;
  for (const c of conflicts) {
    const key = cellKey(c.color, c.size);
    const keep = choice.get(key);
    if (!keep) {
      remaining.push(c);
      continue;
    }
    if (keep === 'mine') {
      kept++;
      if (c.mine === c.theirs) out.delete(key);
      else out.set(key, { color: c.color, size: c.size, from: c.theirs, to: c.mine });
    } else {
      taken++;
      out.delete(key);
    }
  }
  return { edits: [...out.values()], remaining, kept, taken };
}

/** The sheet's unsent edits with `cells` set on top (each from its pulled value); unchanged cells drop out. */
export function withCells(
  base: Matrix,
  edits: readonly CellEdit[],
  cells: readonly { color: string; size: string; to: number }[],
): { edits: CellEdit[]; changed: number } {
  const row = new Map(base.colors.map((c, i) => [c, i]));
  const col = new Map(base.sizes.map((s, i) => [s, i]));
  const out = new Map(edits.map((e) => [cellKey(e.color, e.size), { ...e }]));
  let changed = 0;
  for (const cell of cells) {
    const r = row.get(cell.color);
    const c = col.get(cell.size);
    if (r === undefined || c === undefined) continue;
    const key = cellKey(cell.color, cell.size);
    const from = base.quantities[r][c];
    const shown = out.get(key)?.to ?? from;
    if (shown !== cell.to) changed++;
    if (from === cell.to) out.delete(key);
    else out.set(key, { color: cell.color, size: cell.size, from, to: cell.to });
  }
  return { edits: [...out.values()], changed };
}
