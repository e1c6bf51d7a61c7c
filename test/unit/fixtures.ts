// Builders shared by the unit tests: plain domain values, no I/O.
import { expect } from 'vitest';
import { DomainError, ValidationError, type FieldProblem } from '../../shared/errors.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import { emptyMatrix } from '../../shared/matrix.js';
import type { Actor, FactorySettings, Matrix, ProductionOrder, TechPack } from '../../shared/types.js';

export const NOW = '2026-03-01T10:00:00.000Z';
export const LATER = '2026-03-02T11:00:00.000Z';

export const planner: Actor = { id: 'ana@example.com', roles: ['planner'] };
export const other: Actor = { id: 'bo@example.com', roles: ['planner'] };

export function techPack(over: Partial<TechPack> = {}): TechPack {
  return {
    id: 'tp-1',
    styleCode: 'TEE-01',
    name: 'Basic tee',
    season: 'SS26',
    sizes: ['S', 'M', 'L'],
    colors: [
      { code: 'NAVY', name: 'Navy' },
      { code: 'RED', name: 'Red' },
    ],
    bom: [{ material: 'FAB-JERSEY', uom: 'm', consumption: 1.2, wastagePct: 5 }],
    iqTemplate: 'IQ-TEE',
    state: 'ProductionReady',
    version: 3,
    bomRevision: 2,
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  };
}

export function settings(over: Partial<FactorySettings> = {}): FactorySettings {
  return { ...structuredClone(DEFAULT_SETTINGS), ...over };
}

export function matrix(sizes: string[], colors: string[], quantities?: number[][]): Matrix {
  return quantities
    ? { sizes: [...sizes], colors: [...colors], quantities: quantities.map((r) => [...r]) }
    : emptyMatrix(sizes, colors);
}

/** A Draft order on techPack(): 2 colors x 3 sizes, total 60, delivery date set. */
export function order(over: Partial<ProductionOrder> = {}): ProductionOrder {
  const m =
    over.matrix ??
    matrix(
      ['S', 'M', 'L'],
      ['NAVY', 'RED'],
      [
        [10, 20, 10],
        [5, 10, 5],
      ],
    );
  const total = m.quantities.flat().reduce((a, b) => a + b, 0);
  return {
    id: 'po-1',
    techPackId: 'tp-1',
    styleCode: 'TEE-01',
    state: 'Draft',
    version: 4,
    deliveryDate: '2026-06-30',
    originalDeliveryDate: '2026-06-30',
    matrix: m,
    total,
    source: { type: 'commercial' },
    tolerance: { overPct: 5, underPct: 3, scope: 'cell' },
    batchPlan: { maxBatchQty: 500, extraCutPct: 0 },
    iqTemplate: 'IQ-TEE',
    notes: '',
    releasedBomRevision: null,
    progress: {
      batched: emptyMatrix(m.sizes, m.colors),
      produced: emptyMatrix(m.sizes, m.colors),
      rejected: emptyMatrix(m.sizes, m.colors),
      missing: emptyMatrix(m.sizes, m.colors),
    },
    milestones: [],
    createdAt: NOW,
    createdBy: planner.id,
    updatedAt: NOW,
    updatedBy: planner.id,
    ...over,
  };
}

/** Runs fn, expects it to throw a DomainError, and returns that error. */
export function thrown(fn: () => unknown): DomainError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected the call to throw').toBeInstanceOf(DomainError);
  return error as DomainError;
}

/** Expects a 400 ValidationError and returns its problems. */
export function problems(fn: () => unknown): FieldProblem[] {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(ValidationError);
  expect(e.status).toBe(400);
  expect(e.code).toBe('VALIDATION_FAILED');
  const fields = (e.details as { fields: FieldProblem[] }).fields;
  expect(fields.length).toBeGreaterThan(0);
  return fields;
}

/** The field names of a 400's problems. */
export function badFields(fn: () => unknown): string[] {
  return problems(fn).map((p) => p.field);
}
