import { describe, expect, it } from 'vitest';
import { composeView, readConflictDetails } from '../../addon/src/conflicts.js';

const server = {
  sizes: ['S', 'M'],
  colors: ['NAVY', 'RED'],
  quantities: [
    [10, 99],
    [5, 8],
  ],
};

describe('after a refused push (409 EDIT_CONFLICT)', () => {
  it('reads the details defensively', () => {
    expect(
      readConflictDetails({
        conflicts: [{ color: 'NAVY', size: 'M', from: 20, to: 25, current: 99 }, 'junk'],
        updatedBy: 'bo@example.com',
        version: 7,
      }),
    ).toEqual({
      conflicts: [{ color: 'NAVY', size: 'M', from: 20, to: 25, current: 99 }],
      updatedBy: 'bo@example.com',
      updatedAt: null,
      version: 7,
    });
    expect(readConflictDetails(undefined)).toEqual({ conflicts: [], updatedBy: null, updatedAt: null, version: null });
  });

  it("shows the other planner's value on conflicting cells, keeps the planner's other edits pending, loses nothing", () => {
    const v = composeView({
      server,
      unsent: [
        { color: 'NAVY', size: 'M', from: 20, to: 25 }, // conflicting
        { color: 'RED', size: 'S', from: 5, to: 6 }, // clean: stays pending
        { color: 'RED', size: 'M', from: 7, to: 8 }, // the same change already on the server
      ],
      conflicts: [{ color: 'NAVY', size: 'M', from: 20, to: 25, current: 99 }],
      conflictBy: 'bo@example.com',
      bad: [{ color: 'NAVY', size: 'S', raw: 'x', reason: 'is text' }],
    });
    expect(v.display).toEqual([
      ['x', 99],
      [6, 8],
    ]);
    // next push: RED/S is sent again from 5 (its value at the pull), the conflict cell is settled at 99
    expect(v.base.quantities).toEqual([
      [10, 99],
      [5, 8],
    ]);
    expect(v.marks).toEqual([
      { color: 'NAVY', size: 'S', kind: 'invalid', note: expect.stringContaining('is text') },
      {
        color: 'NAVY',
        size: 'M',
        kind: 'conflict',
        note: expect.stringMatching(/bo@example.com changed this cell to 99.*was 20.*Your value 25/),
      },
      { color: 'RED', size: 'S', kind: 'pending', note: expect.stringContaining('5 → 6') },
    ]);
    expect([v.pending, v.conflicted, v.invalid]).toEqual([1, 1, 1]);
    expect(v.dropped).toEqual([]);
  });

  it('treats a cell that moved again since the 409 as a conflict, and reports edits to vanished cells', () => {
    const v = composeView({
      server,
      unsent: [
        { color: 'RED', size: 'S', from: 4, to: 6 },
        { color: 'RED', size: 'XL', from: 0, to: 3 },
      ],
      conflictBy: null,
    });
    expect(v.marks[0]).toMatchObject({ color: 'RED', size: 'S', kind: 'conflict' });
    expect(v.marks[0].note).toContain('another user');
    expect(v.dropped).toEqual([{ color: 'RED', size: 'XL', from: 0, to: 3 }]);
  });

  it('after a clean push shows the server values and only the bad cells', () => {
    const v = composeView({ server, bad: [{ color: 'RED', size: 'M', raw: -1, reason: 'is negative' }] });
    expect(v.display).toEqual([
      [10, 99],
      [5, -1],
    ]);
    expect(v.base).toEqual(server);
    expect(v.marks.map((m) => m.kind)).toEqual(['invalid']);
  });
});
