import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, ValidationError } from '../../shared/errors.js';
import { cellValue, matrixTotal } from '../../shared/matrix.js';
import { applyMatrixEdits, parseMatrixEdits, type MatrixEdit } from '../../shared/productionOrder.js';
import type { OrderState } from '../../shared/types.js';
import { LATER, badFields, matrix, order, other, problems, thrown } from './fixtures.js';

// order(): sizes S,M,L; NAVY [10,20,10], RED [5,10,5]; version 4.

describe('parseMatrixEdits', () => {
  it('accepts {baseVersion, edits}', () => {
    expect(parseMatrixEdits({ baseVersion: 3, edits: [{ color: 'NAVY', size: 'S', from: 10, to: 12 }] })).toEqual({
      baseVersion: 3,
      edits: [{ color: 'NAVY', size: 'S', from: 10, to: 12 }],
    });
  });

  it('baseVersion is a whole number from 1', () => {
    for (const baseVersion of [undefined, 0, 1.5, '3', null]) {
      expect(
        badFields(() => parseMatrixEdits({ baseVersion, edits: [{ color: 'NAVY', size: 'S', from: 1, to: 2 }] })),
      ).toEqual(['baseVersion']);
    }
  });

  it('edits must be a non-empty list of at most 20,000', () => {
    expect(badFields(() => parseMatrixEdits({ baseVersion: 1 }))).toEqual(['edits']);
    expect(badFields(() => parseMatrixEdits({ baseVersion: 1, edits: [] }))).toEqual(['edits']);
    expect(badFields(() => parseMatrixEdits({ baseVersion: 1, edits: {} }))).toEqual(['edits']);
    const many = Array.from({ length: 20_001 }, (_, i) => ({ color: `C${i}`, size: 'S', from: 0, to: 1 }));
    expect(badFields(() => parseMatrixEdits({ baseVersion: 1, edits: many }))).toEqual(['edits']);
    expect(parseMatrixEdits({ baseVersion: 1, edits: many.slice(0, 20_000) }).edits).toHaveLength(20_000);
  });

  it('names each bad part of each edit', () => {
    const fields = badFields(() =>
      parseMatrixEdits({
        baseVersion: 1,
        edits: [
          { color: 'NAVY', size: 'S', from: 1, to: 2 },
          'NAVY/S',
          { size: 'M', from: -1, to: 10_000_001 },
          { color: 'RED', size: '', from: 1.5, to: '3' },
        ],
      }),
    );
    expect(fields).toEqual([
      'edits[1]',
      'edits[2].color',
      'edits[2].from',
      'edits[2].to',
      'edits[3].size',
      'edits[3].from',
      'edits[3].to',
    ]);
  });

  it('accepts the largest cell value as from and to', () => {
    expect(
      parseMatrixEdits({ baseVersion: 1, edits: [{ color: 'A', size: 'S', from: 10_000_000, to: 0 }] }).edits[0].from,
    ).toBe(10_000_000);
  });

  it('refuses two edits of the same cell, naming the second', () => {
    const p = problems(() =>
      parseMatrixEdits({
        baseVersion: 2,
        edits: [
          { color: 'NAVY', size: 'S', from: 10, to: 11 },
          { color: 'RED', size: 'S', from: 5, to: 6 },
          { color: 'NAVY', size: 'S', from: 10, to: 12 },
        ],
      }),
    );
    expect(p).toEqual([{ field: 'edits[2]', message: 'edits cell NAVY/S twice' }]);
  });

  it('refuses unknown fields', () => {
    expect(
      badFields(() =>
        parseMatrixEdits({ baseVersion: 1, edits: [{ color: 'A', size: 'S', from: 0, to: 1 }], force: true }),
      ),
    ).toEqual(['force']);
  });
});

describe('applyMatrixEdits', () => {
  const edit = (color: string, size: string, from: number, to: number): MatrixEdit => ({ color, size, from, to });

  it.each(['Draft', 'Planned'] as const)('applies edits whose cells hold `from` in %s', (state) => {
    const before = order({ state });
    const { order: next, history } = applyMatrixEdits(
      before,
      { baseVersion: 4, edits: [edit('NAVY', 'S', 10, 15), edit('RED', 'L', 5, 0)] },
      other,
      LATER,
    );
    expect(next.matrix.quantities).toEqual([
      [15, 20, 10],
      [5, 10, 0],
    ]);
    expect(next.total).toBe(60);
    expect(next.version).toBe(5);
    expect(next.updatedBy).toBe(other.id);
    expect(next.state).toBe(state);
    expect(history).toEqual({
      at: LATER,
      actor: other.id,
      action: 'matrixEdit',
      from: state,
      to: state,
      version: 5,
      details: { baseVersion: 4, cells: 2 },
    });
    expect(before.matrix.quantities).toEqual([
      [10, 20, 10],
      [5, 10, 5],
    ]);
  });

  it('merges when the version moved on but the edited cells are untouched', () => {
    const moved = order({
      version: 9,
      updatedBy: 'someone@else',
      matrix: matrix(
        ['S', 'M', 'L'],
        ['NAVY', 'RED'],
        [
          [10, 99, 10],
          [5, 10, 5],
        ],
      ),
    });
    const { order: next } = applyMatrixEdits(
      moved,
      { baseVersion: 4, edits: [edit('NAVY', 'S', 10, 11)] },
      other,
      LATER,
    );
    expect(next.matrix.quantities).toEqual([
      [11, 99, 10],
      [5, 10, 5],
    ]);
    expect(next.version).toBe(10);
    expect(next.total).toBe(matrixTotal(next.matrix));
  });

  it('a cell changed under the planner refuses the whole request with 409 EDIT_CONFLICT and its current value', () => {
    const moved = order({
      version: 7,
      updatedBy: 'bo@else',
      updatedAt: '2026-03-02T09:00:00.000Z',
      matrix: matrix(
        ['S', 'M', 'L'],
        ['NAVY', 'RED'],
        [
          [12, 20, 10],
          [5, 10, 5],
        ],
      ),
    });
    const e = thrown(() =>
      applyMatrixEdits(
        moved,
        { baseVersion: 4, edits: [edit('RED', 'M', 10, 11), edit('NAVY', 'S', 10, 15)] },
        other,
        LATER,
      ),
    );
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.status).toBe(409);
    expect(e.code).toBe('EDIT_CONFLICT');
    expect(e.details).toEqual({
      conflicts: [{ color: 'NAVY', size: 'S', from: 10, to: 15, current: 12 }],
      version: 7,
      updatedBy: 'bo@else',
      updatedAt: '2026-03-02T09:00:00.000Z',
    });
    expect(moved.matrix.quantities).toEqual([
      [12, 20, 10],
      [5, 10, 5],
    ]);
    expect(moved.version).toBe(7);
  });

  it('lists every conflicting cell', () => {
    const e = thrown(() =>
      applyMatrixEdits(
        order(),
        { baseVersion: 1, edits: [edit('NAVY', 'S', 1, 2), edit('NAVY', 'M', 20, 21), edit('RED', 'L', 3, 4)] },
        other,
        LATER,
      ),
    );
    expect((e.details as { conflicts: { current: number }[] }).conflicts.map((c) => c.current)).toEqual([10, 5]);
  });

  it('a cell that already holds the wanted value (the same edit made elsewhere) is not a conflict', () => {
    const { order: next, history } = applyMatrixEdits(
      order(),
      { baseVersion: 1, edits: [edit('NAVY', 'S', 3, 10), edit('RED', 'S', 5, 6)] },
      other,
      LATER,
    );
    expect(next.matrix.quantities[0][0]).toBe(10);
    expect(next.matrix.quantities[1][0]).toBe(6);
    expect(history.details).toEqual({ baseVersion: 1, cells: 1 });
  });

  it('an unknown color or size is a 400 naming the field of that edit', () => {
    const e = thrown(() =>
      applyMatrixEdits(
        order(),
        { baseVersion: 4, edits: [edit('NAVY', 'S', 10, 11), edit('GREEN', 'M', 0, 1), edit('RED', 'XXL', 0, 1)] },
        other,
        LATER,
      ),
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.status).toBe(400);
    expect((e as ValidationError).problems).toEqual([
      { field: 'edits[1].color', message: 'GREEN is not a color of this order' },
      { field: 'edits[2].size', message: 'XXL is not a size of this order' },
    ]);
  });

  it.each(['Released', 'InProgress'] as OrderState[])(
    'in %s is an amendment: 400 naming reason without one',
    (state) => {
      const e = thrown(() =>
        applyMatrixEdits(order({ state }), { baseVersion: 4, edits: [edit('NAVY', 'S', 10, 11)] }, other, LATER),
      );
      expect(e.status).toBe(400);
      expect((e.details as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['reason']);
    },
  );

  it.each(['Completed', 'Cancelled'] as OrderState[])('refuses with 409 NOT_EDITABLE in %s', (state) => {
    const e = thrown(() =>
      applyMatrixEdits(order({ state }), { baseVersion: 4, edits: [edit('NAVY', 'S', 10, 11)] }, other, LATER),
    );
    expect(e.status).toBe(409);
    expect(e.code).toBe('NOT_EDITABLE');
    expect(e.details).toEqual({ state });
  });

  it('edits from the current values set exactly the edited cells and keep the rest (property)', () => {
    const sizes = ['XS', 'S', 'M', 'L', 'XL'];
    const colors = ['NAVY', 'RED', 'BLACK', 'WHITE'];
    const arb = fc.record({
      quantities: fc.array(fc.array(fc.nat(1000), { minLength: 5, maxLength: 5 }), { minLength: 4, maxLength: 4 }),
      edits: fc.uniqueArray(fc.record({ r: fc.nat(3), c: fc.nat(4), to: fc.nat(10_000_000) }), {
        selector: (e) => `${e.r}/${e.c}`,
        minLength: 1,
      }),
    });
    fc.assert(
      fc.property(arb, ({ quantities, edits }) => {
        const before = order({ matrix: matrix(sizes, colors, quantities) });
        const req = {
          baseVersion: 1,
          edits: edits.map((e) => edit(colors[e.r], sizes[e.c], quantities[e.r][e.c], e.to)),
        };
        const { order: next } = applyMatrixEdits(before, req, other, LATER);
        for (const [r, color] of colors.entries())
          for (const [c, size] of sizes.entries()) {
            const e = edits.find((x) => x.r === r && x.c === c);
            expect(cellValue(next.matrix, color, size)).toBe(e ? e.to : quantities[r][c]);
          }
        expect(next.total).toBe(matrixTotal(next.matrix));
      }),
    );
  });

  it('any single stale `from` refuses the request and changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.nat(1), fc.nat(2), fc.integer({ min: 1, max: 100 }), (r, c, delta) => {
        const before = order();
        const sizes = before.matrix.sizes;
        const colors = before.matrix.colors;
        const current = before.matrix.quantities[r][c];
        const stale = edit(colors[r], sizes[c], current + delta, current + delta + 1);
        const fresh = edit(colors[1 - r], sizes[c], before.matrix.quantities[1 - r][c], 0);
        const e = thrown(() => applyMatrixEdits(before, { baseVersion: 1, edits: [fresh, stale] }, other, LATER));
        expect(e.code).toBe('EDIT_CONFLICT');
        expect((e.details as { conflicts: unknown[] }).conflicts).toEqual([{ ...stale, current }]);
        expect(before.matrix.quantities).toEqual([
          [10, 20, 10],
          [5, 10, 5],
        ]);
      }),
    );
  });
});
