// The capacity floor's item sizes (functions/store/metrics.ts): sizing the plain item the document
// client sends must give the size of the AttributeValues DynamoDB stores, by DynamoDB's rules. And the
// index floor: what the lists require of the indexes, from an item's image before and after a write.
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { productionOrderEntity, requirementEntity, type RequirementRecord } from '../../functions/store/entities.js';
import {
  indexFloorUnits,
  itemSize,
  minimalEntry,
  newUsage,
  numberSize,
  plainItemSize,
  readUnitsOf,
  writeUnitsOf,
} from '../../functions/store/metrics.js';
import { INDEXES } from '../../functions/store/tableDefinition.js';
import type { ProductionOrder } from '../../shared/types.js';
import { matrix, order } from './fixtures.js';

const opts = { removeUndefinedValues: true, convertClassInstanceToMap: true };

describe('capacity sizes', () => {
  it('numbers: one byte per two significant digits, plus one', () => {
    expect(numberSize('0')).toBe(2);
    expect(numberSize('7')).toBe(2);
    expect(numberSize('12')).toBe(2);
    expect(numberSize('123')).toBe(3);
    expect(numberSize('-1200')).toBe(2);
    expect(numberSize('0.0012345')).toBe(4);
    expect(numberSize('1e+21')).toBe(2);
  });

  it('a plain item sizes as its marshalled AttributeValues', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string({ unit: 'grapheme' }),
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
      ),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('list'), tie('map')),
      list: fc.array(
        tie('node').filter((x) => x !== undefined),
        { maxLength: 5 },
      ),
      map: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('node'), { maxKeys: 5 }),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value.node), (item) => {
        const raw = marshall(item as Record<string, unknown>, opts);
        expect(plainItemSize(item as Record<string, unknown>)).toBe(itemSize(raw));
      }),
      { numRuns: 300 },
    );
  });

  it('units: 1 KB a write unit, 4 KB a read unit (half eventually consistent), at least one', () => {
    expect(writeUnitsOf(0)).toBe(1);
    expect(writeUnitsOf(1024)).toBe(1);
    expect(writeUnitsOf(1025)).toBe(2);
    expect(readUnitsOf(4096, true)).toBe(1);
    expect(readUnitsOf(4097, true)).toBe(2);
    expect(readUnitsOf(4097, false)).toBe(1);
    expect(readUnitsOf(0, false)).toBe(0.5);
  });

  it('a tally sizes floors only when asked', () => {
    expect(newUsage({ floor: true }).floor).toEqual({ readUnits: 0, writeUnits: 0 });
    expect(newUsage({ floor: false }).floor).toBeUndefined();
  });
});

describe('the index floor: what the lists require of the indexes', () => {
  const image = (item: Record<string, unknown>) => marshall(item, opts);
  const po = (over: Partial<ProductionOrder> = {}) =>
    image(productionOrderEntity.item(order({ id: 'PO-000042', ...over })));

  it('a new order enters its three lists: one put each of its minimal entry, doubled in a transaction', () => {
    expect(indexFloorUnits(undefined, po(), true)).toEqual({ byState: 2, byTechPack: 2, byType: 2 });
    expect(indexFloorUnits(undefined, po(), false)).toEqual({ byState: 1, byTechPack: 1, byType: 1 });
    expect(indexFloorUnits(po(), undefined, false)).toEqual({ byState: 1, byTechPack: 1, byType: 1 });
  });

  it('a change no list answers costs nothing; a listed one a put; a state change moves the byState entry', () => {
    const before = po({ version: 3, notes: '' });
    expect(
      indexFloorUnits(
        before,
        po({ version: 3, notes: 'x'.repeat(3000), matrix: matrix(['S', 'M'], ['NAVY'], [[30, 30]]) }),
        true,
      ),
    ).toEqual({});
    expect(indexFloorUnits(before, po({ version: 4, notes: '' }), true)).toEqual({
      byState: 2,
      byTechPack: 2,
      byType: 2,
    });
    expect(indexFloorUnits(before, po({ version: 4, state: 'Planned' }), false)).toEqual({
      byState: 2,
      byTechPack: 1,
      byType: 1,
    });
  });

  it('the minimal entry is the keys and the summary: a 31 KB order costs 1 unit per index, not its size', () => {
    // 30,000 characters of notes: a 31 KB item (no list answers its notes).
    const big = po({ notes: 'n'.repeat(30_000) });
    expect(itemSize(big)).toBeGreaterThan(20_000);
    const byState = INDEXES.find((ix) => ix.name === 'byState')!;
    const entry = minimalEntry(byState, big)!.entry;
    expect(Object.keys(entry)).not.toContain('matrix');
    expect(itemSize(entry)).toBeLessThan(1024);
    expect(indexFloorUnits(undefined, big, true)).toEqual({ byState: 2, byTechPack: 2, byType: 2 });
  });

  it('a requirement: listed by keys and materials; a move between open states costs nothing, closing a delete', () => {
    const req = (state: RequirementRecord['state'], gross: number) =>
      image(
        requirementEntity.item({
          orderId: 'PO-000042',
          techPackId: 'TP-000001',
          state,
          deliveryDate: '2027-03-01',
          bomRevision: 1,
          pinned: false,
          incomplete: false,
          bomVersion: 1,
          lines: [{ material: 'FAB', variant: 'FAB', uom: 'm', gross, purchaseMultiple: null, minimumOrderQty: null }],
        }),
      );
    expect(indexFloorUnits(undefined, req('Draft', 1), true)).toEqual({ byRequirement: 2 });
    expect(indexFloorUnits(req('Draft', 1), req('Planned', 7), true)).toEqual({});
    expect(indexFloorUnits(req('InProgress', 7), req('Completed', 7), true)).toEqual({ byRequirement: 2 });
  });
});
