import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, ForbiddenError, IllegalTransitionError } from '../../shared/errors.js';
import {
  SIGN_OFF_ROLES,
  SPEC_LOCKED_STATES,
  applyTechPackPatch,
  changedSpecFields,
  isAtLeast,
  newTechPack,
  nextTechPackState,
  parseBom,
  parseTechPackCreate,
  parseTechPackPatch,
  parseTechPackTransition,
  techPackStateRank,
} from '../../shared/techPack.js';
import { TECH_PACK_STATES, type BomLine, type TechPackState } from '../../shared/types.js';
import { Problems } from '../../shared/validate.js';
import { LATER, NOW, badFields, problems, techPack, thrown } from './fixtures.js';

const ALLOWED: Array<[TechPackState, TechPackState]> = [
  ['Commercial', 'Design'],
  ['Design', 'Approval'],
  ['Approval', 'ProductionReady'],
  ['Approval', 'Design'],
  ['ProductionReady', 'Design'],
];

const REFUSED: Array<[TechPackState, TechPackState]> = TECH_PACK_STATES.flatMap((from) =>
  TECH_PACK_STATES.filter((to) => !ALLOWED.some(([f, t]) => f === from && t === to)).map(
    (to) => [from, to] as [TechPackState, TechPackState],
  ),
);

describe('tech pack state machine', () => {
  it('refuses 11 of the 16 moves (including staying put)', () => {
    expect(REFUSED).toHaveLength(11);
  });

  it.each(ALLOWED)('allows %s -> %s', (from, to) => {
    expect(nextTechPackState(techPack({ state: from }), to, { roles: ['approver'] })).toBe(to);
  });

  it.each(REFUSED)('refuses %s -> %s with 409 ILLEGAL_TRANSITION', (from, to) => {
    const e = thrown(() => nextTechPackState(techPack({ state: from }), to, { roles: ['admin'] }));
    expect(e).toBeInstanceOf(IllegalTransitionError);
    expect(e.status).toBe(409);
    expect(e.code).toBe('ILLEGAL_TRANSITION');
    expect(e.details).toEqual({ from, action: `move to ${to}` });
    expect(e.message).toContain(from);
  });

  it('parses a transition body {to}', () => {
    expect(parseTechPackTransition({ to: 'Approval' })).toBe('Approval');
    expect(badFields(() => parseTechPackTransition({ to: 'Released' }))).toEqual(['to']);
    expect(badFields(() => parseTechPackTransition({}))).toEqual(['to']);
    expect(badFields(() => parseTechPackTransition('Approval'))).toEqual(['body']);
  });
});

describe('isAtLeast / techPackStateRank', () => {
  it('ranks the states in design order', () => {
    expect(TECH_PACK_STATES.map(techPackStateRank)).toEqual([0, 1, 2, 3]);
  });

  it('matches the order of the states exhaustively', () => {
    for (const [i, state] of TECH_PACK_STATES.entries()) {
      for (const [j, min] of TECH_PACK_STATES.entries())
        expect(isAtLeast(state, min), `${state} >= ${min}`).toBe(i >= j);
    }
  });

  it('spot checks', () => {
    expect(isAtLeast('Commercial', 'Commercial')).toBe(true);
    expect(isAtLeast('Design', 'Approval')).toBe(false);
    expect(isAtLeast('ProductionReady', 'Approval')).toBe(true);
    expect(isAtLeast('Approval', 'ProductionReady')).toBe(false);
  });
});

const validCreate = () => ({
  styleCode: ' TEE-01 ',
  name: 'Basic tee',
  season: 'SS26',
  sizes: ['S', 'M', 'L'],
  colors: [{ code: 'NAVY', name: 'Navy' }, { code: 'RED' }],
  bom: [
    {
      material: 'FAB-JERSEY',
      uom: 'm',
      consumption: { S: 1.1, M: 1.2, L: 1.3 },
      wastagePct: 5,
      variants: { NAVY: 'FAB-J-NVY', RED: 'FAB-J-RED' },
      purchaseMultiple: 50,
    },
    { material: 'THREAD', uom: 'cone', consumption: 0.01, wastagePct: 0, variants: 'match' },
    { material: 'LABEL-RED', uom: 'pc', consumption: 1, appliesTo: ['RED'] },
  ],
  iqTemplate: 'IQ-TEE',
});

describe('parseTechPackCreate', () => {
  it('accepts a full tech pack, trimming strings, defaulting color names and wastage', () => {
    const input = parseTechPackCreate(validCreate());
    expect(input.styleCode).toBe('TEE-01');
    expect(input.colors).toEqual([
      { code: 'NAVY', name: 'Navy' },
      { code: 'RED', name: 'RED' },
    ]);
    expect(input.sizes).toEqual(['S', 'M', 'L']);
    expect(input.bom).toHaveLength(3);
    expect(input.bom[2]).toEqual({
      material: 'LABEL-RED',
      uom: 'pc',
      consumption: 1,
      wastagePct: 0,
      appliesTo: ['RED'],
    });
    expect(input.bom[0].purchaseMultiple).toBe(50);
    expect(input.bom[1].variants).toBe('match');
    expect(input.iqTemplate).toBe('IQ-TEE');
  });

  it('the BOM is optional', () => {
    const { bom: _bom, ...rest } = validCreate();
    expect(parseTechPackCreate(rest).bom).toEqual([]);
  });

  it('names every missing required field at once', () => {
    expect(badFields(() => parseTechPackCreate({})).sort()).toEqual(['colors', 'name', 'sizes', 'styleCode']);
  });

  it('refuses unknown fields by name', () => {
    expect(
      badFields(() => parseTechPackCreate({ ...validCreate(), state: 'ProductionReady', bomRevision: 9 })),
    ).toEqual(['state', 'bomRevision']);
  });

  it('refuses a non-object body', () => {
    expect(badFields(() => parseTechPackCreate([]))).toEqual(['body']);
  });

  it('names bad and duplicate colors', () => {
    expect(badFields(() => parseTechPackCreate({ ...validCreate(), colors: [] }))).toEqual(['colors']);
    expect(badFields(() => parseTechPackCreate({ ...validCreate(), colors: 'NAVY' }))).toEqual(['colors']);
    const fields = badFields(() =>
      parseTechPackCreate({
        ...validCreate(),
        bom: [],
        colors: [{ code: 'NAVY' }, 'RED', { name: 'x' }, { code: 'NAVY' }],
      }),
    );
    expect(fields).toEqual(['colors[1]', 'colors[2].code', 'colors[3].code']);
  });

  it('a bad size or color list is named alone, not the BOM lines that refer to it', () => {
    expect(badFields(() => parseTechPackCreate({ ...validCreate(), sizes: ['S', 'M', 'M'] }))).toEqual(['sizes[2]']);
    expect(
      badFields(() => parseTechPackCreate({ ...validCreate(), colors: [{ code: 'NAVY' }, { code: 'NAVY' }] })),
    ).toEqual(['colors[1].code']);
  });

  it('refuses more than 500 colors and more than 100 sizes', () => {
    const colors = Array.from({ length: 501 }, (_, i) => ({ code: `C${i}` }));
    expect(badFields(() => parseTechPackCreate({ ...validCreate(), bom: [], colors }))).toEqual(['colors']);
    const sizes = Array.from({ length: 101 }, (_, i) => `S${i}`);
    expect(badFields(() => parseTechPackCreate({ ...validCreate(), bom: [], sizes }))).toEqual(['sizes']);
  });

  it('limits styleCode to 40 characters', () => {
    expect(badFields(() => parseTechPackCreate({ ...validCreate(), styleCode: 'x'.repeat(41) }))).toEqual([
      'styleCode',
    ]);
  });
});

/** Parses a BOM against sizes S,M,L and colors NAVY,RED; answers the lines or the problems. */
function bom(value: unknown) {
  const p = new Problems();
  const lines = parseBom(value, ['S', 'M', 'L'], ['NAVY', 'RED'], p);
  return { lines, problems: p.list, fields: p.list.map((x) => x.field) };
}

const line = (over: Record<string, unknown> = {}) => ({
  material: 'FAB',
  uom: 'm',
  consumption: 1,
  wastagePct: 5,
  ...over,
});

describe('BOM validation', () => {
  it('accepts one number or one number per size', () => {
    expect(bom([line(), line({ consumption: { S: 1, M: 1.1, L: 1.2 } })]).lines).toHaveLength(2);
  });

  it('per-size consumption must cover every size of the tech pack', () => {
    const r = bom([line({ consumption: { S: 1, M: 1.1 } })]);
    expect(r.lines).toBeUndefined();
    expect(r.problems).toEqual([{ field: 'bom[0].consumption', message: 'has no consumption for size L' }]);
  });

  it('per-size consumption may not name sizes the tech pack lacks', () => {
    const r = bom([line({ consumption: { S: 1, M: 1, L: 1, XXL: 2 } })]);
    expect(r.fields).toEqual(['bom[0].consumption.XXL']);
    expect(r.problems[0].message).toContain('XXL');
  });

  it('consumption must be a non-negative number or a non-empty object of numbers', () => {
    expect(bom([line({ consumption: -1 })]).fields).toEqual(['bom[0].consumption']);
    expect(bom([line({ consumption: {} })]).fields).toEqual(['bom[0].consumption']);
    expect(bom([line({ consumption: '1.2' })]).fields).toEqual(['bom[0].consumption']);
    expect(bom([line({ consumption: undefined })]).fields).toEqual(['bom[0].consumption']);
    expect(bom([line({ consumption: { S: 1, M: 'x', L: -2 } })]).fields).toEqual([
      'bom[0].consumption.M',
      'bom[0].consumption.L',
    ]);
    expect(bom([line({ consumption: 0 })]).lines).toHaveLength(1);
  });

  it('appliesTo colors must be colors of the tech pack', () => {
    expect(bom([line({ appliesTo: ['RED'] })]).lines).toHaveLength(1);
    const r = bom([line({ appliesTo: ['RED', 'GREEN'] })]);
    expect(r.lines).toBeUndefined();
    expect(r.problems).toEqual([
      { field: 'bom[0].appliesTo', message: "color GREEN is not one of the tech pack's colors" },
    ]);
    expect(bom([line({ appliesTo: [] })]).fields).toEqual(['bom[0].appliesTo']);
    expect(bom([line({ appliesTo: ['RED', 'RED'] })]).fields).toEqual(['bom[0].appliesTo[1]']);
  });

  it('variant colors must be colors of the tech pack; "match" needs none', () => {
    expect(bom([line({ variants: 'match' })]).lines).toHaveLength(1);
    expect(bom([line({ variants: { NAVY: 'FAB-NVY' } })]).lines).toHaveLength(1);
    const r = bom([line({ variants: { NAVY: 'FAB-NVY', PINK: 'FAB-PNK' } })]);
    expect(r.problems).toEqual([
      { field: 'bom[0].variants.PINK', message: "color PINK is not one of the tech pack's colors" },
    ]);
  });

  it('variants must be "match" or a map to non-empty strings', () => {
    expect(bom([line({ variants: 'same' })]).fields).toEqual(['bom[0].variants']);
    expect(bom([line({ variants: { NAVY: '' } })]).fields).toEqual(['bom[0].variants']);
    expect(bom([line({ variants: { NAVY: 3 } })]).fields).toEqual(['bom[0].variants']);
    expect(bom([line({ variants: ['NAVY'] })]).fields).toEqual(['bom[0].variants']);
  });

  it('minimumOrderQty is a floor beside purchaseMultiple, greater than 0', () => {
    expect(bom([line({ minimumOrderQty: 1000, purchaseMultiple: 50 })]).lines![0]).toMatchObject({
      minimumOrderQty: 1000,
      purchaseMultiple: 50,
    });
    expect(bom([line({ minimumOrderQty: 0.5 })]).lines![0].minimumOrderQty).toBe(0.5);
    expect(bom([line({ minimumOrderQty: 0 })]).problems).toEqual([
      { field: 'bom[0].minimumOrderQty', message: 'must be greater than 0 (leave it out for no minimum)' },
    ]);
    expect(bom([line({ minimumOrderQty: -1 })]).fields).toEqual(['bom[0].minimumOrderQty']);
    expect(bom([line({ minimumOrderQty: '100' })]).fields).toEqual(['bom[0].minimumOrderQty']);
  });

  it('purchaseMultiple must be greater than 0', () => {
    expect(bom([line({ purchaseMultiple: 50 })]).lines![0].purchaseMultiple).toBe(50);
    expect(bom([line({ purchaseMultiple: 0.5 })]).lines![0].purchaseMultiple).toBe(0.5);
    expect(bom([line({ purchaseMultiple: 0 })]).problems).toEqual([
      { field: 'bom[0].purchaseMultiple', message: 'must be greater than 0' },
    ]);
    expect(bom([line({ purchaseMultiple: -5 })]).fields).toEqual(['bom[0].purchaseMultiple']);
    expect(bom([line({ purchaseMultiple: '50' })]).fields).toEqual(['bom[0].purchaseMultiple']);
  });

  it('wastage is 0..1000 %, and 0 when left out', () => {
    expect(bom([line({ wastagePct: undefined })]).lines![0].wastagePct).toBe(0);
    expect(bom([line({ wastagePct: 1000 })]).lines).toHaveLength(1);
    expect(bom([line({ wastagePct: -1 })]).fields).toEqual(['bom[0].wastagePct']);
    expect(bom([line({ wastagePct: 1001 })]).fields).toEqual(['bom[0].wastagePct']);
  });

  it('material and uom are required; unknown line fields are refused', () => {
    expect(bom([{ consumption: 1 }]).fields.sort()).toEqual(['bom[0].material', 'bom[0].uom']);
    expect(bom([line({ colour: 'NAVY' })]).fields).toEqual(['bom[0].colour']);
    expect(bom([line({ uom: 'x'.repeat(21) })]).fields).toEqual(['bom[0].uom']);
  });

  it('names the line index of each bad line', () => {
    expect(bom([line(), 'FAB', line({ consumption: -1 })]).fields).toEqual(['bom[1]', 'bom[2].consumption']);
  });

  it('refuses a BOM that is not a list, or longer than 500 lines', () => {
    expect(bom({}).fields).toEqual(['bom']);
    expect(bom(Array.from({ length: 501 }, () => line())).fields).toEqual(['bom']);
    expect(bom(Array.from({ length: 500 }, () => line())).lines).toHaveLength(500);
  });

  it('create checks the BOM against the sizes and colors it declares', () => {
    const body = validCreate();
    body.bom[2].appliesTo = ['GREEN'];
    expect(badFields(() => parseTechPackCreate(body))).toEqual(['bom[2].appliesTo']);
  });
});

describe('new tech pack', () => {
  it('starts in Commercial at version 1 and bomRevision 1', () => {
    const pack = newTechPack(parseTechPackCreate(validCreate()), 'tp-9', NOW);
    expect(pack).toMatchObject({
      id: 'tp-9',
      styleCode: 'TEE-01',
      state: 'Commercial',
      version: 1,
      bomRevision: 1,
      createdAt: NOW,
      updatedAt: NOW,
    });
  });
});

describe('parseTechPackPatch', () => {
  const current = () =>
    techPack({
      bom: [
        {
          material: 'FAB',
          uom: 'm',
          consumption: { S: 1, M: 1.1, L: 1.2 },
          wastagePct: 5,
          appliesTo: ['RED'],
          variants: { NAVY: 'FAB-N' },
        },
      ],
    });

  it('accepts a patch of some fields', () => {
    expect(parseTechPackPatch({ name: 'Tee v2', season: 'AW26' }, current())).toEqual({
      name: 'Tee v2',
      season: 'AW26',
    });
  });

  it('refuses styleCode and unknown fields', () => {
    expect(badFields(() => parseTechPackPatch({ styleCode: 'X', bomRevision: 3 }, current()))).toEqual([
      'styleCode',
      'bomRevision',
    ]);
  });

  it('name may not be blanked', () => {
    expect(badFields(() => parseTechPackPatch({ name: ' ' }, current()))).toEqual(['name']);
    expect(badFields(() => parseTechPackPatch({ name: null }, current()))).toEqual(['name']);
  });

  it('removing a size the current BOM consumes per size is refused, naming the BOM line', () => {
    const fields = problems(() => parseTechPackPatch({ sizes: ['S', 'M', 'L', 'XL'] }, current()));
    expect(fields).toEqual([{ field: 'bom[0].consumption', message: 'has no consumption for size XL' }]);
    expect(badFields(() => parseTechPackPatch({ sizes: ['S', 'M'] }, current()))).toEqual(['bom[0].consumption.L']);
  });

  it('removing a color the current BOM names is refused', () => {
    expect(badFields(() => parseTechPackPatch({ colors: [{ code: 'NAVY', name: 'Navy' }] }, current()))).toEqual([
      'bom[0].appliesTo',
    ]);
    expect(badFields(() => parseTechPackPatch({ colors: [{ code: 'RED', name: 'Red' }] }, current()))).toEqual([
      'bom[0].variants.NAVY',
    ]);
  });

  it('a bad size or color list is named alone, not the BOM lines that refer to it', () => {
    const bomBody = [line({ consumption: { S: 1, M: 2, L: 3 }, appliesTo: ['RED'] })];
    expect(badFields(() => parseTechPackPatch({ sizes: ['S', 'S'], bom: bomBody }, current()))).toEqual(['sizes[1]']);
    expect(badFields(() => parseTechPackPatch({ colors: [], bom: bomBody }, current()))).toEqual(['colors']);
    expect(badFields(() => parseTechPackPatch({ sizes: 'S' }, current()))).toEqual(['sizes']);
  });

  it('a new BOM is checked against the patched sizes and colors', () => {
    const patch = parseTechPackPatch(
      {
        sizes: ['S', 'M'],
        colors: [{ code: 'GREEN', name: 'Green' }],
        bom: [line({ consumption: { S: 1, M: 2 }, appliesTo: ['GREEN'] })],
      },
      current(),
    );
    expect(patch.sizes).toEqual(['S', 'M']);
    expect(patch.bom).toHaveLength(1);
    expect(badFields(() => parseTechPackPatch({ bom: [line({ appliesTo: ['GREEN'] })] }, current()))).toEqual([
      'bom[0].appliesTo',
    ]);
  });
});

describe('applyTechPackPatch and bomRevision', () => {
  // In Design: the spec is editable there (Approval and ProductionReady lock it, see below).
  const pack = () =>
    techPack({
      state: 'Design',
      bom: [{ material: 'FAB', uom: 'm', consumption: { S: 1, M: 1.1, L: 1.2 }, wastagePct: 5 }],
      version: 3,
      bomRevision: 2,
    });

  it('a change outside the BOM bumps version only', () => {
    const next = applyTechPackPatch(pack(), { name: 'New name' }, LATER);
    expect(next).toMatchObject({ name: 'New name', version: 4, bomRevision: 2, updatedAt: LATER, createdAt: NOW });
  });

  it('a real BOM change bumps bomRevision by one', () => {
    const p = pack();
    const patch = parseTechPackPatch(
      { bom: [{ material: 'FAB', uom: 'm', consumption: { S: 1, M: 1.1, L: 1.3 }, wastagePct: 5 }] },
      p,
    );
    const next = applyTechPackPatch(p, patch, LATER);
    expect(next.bomRevision).toBe(3);
    expect(next.version).toBe(4);
    expect((next.bom[0].consumption as Record<string, number>).L).toBe(1.3);
  });

  it('sending the same BOM again does not bump bomRevision', () => {
    const p = pack();
    const patch = parseTechPackPatch(
      { bom: [{ material: 'FAB', uom: 'm', consumption: { S: 1, M: 1.1, L: 1.2 }, wastagePct: 5 }] },
      p,
    );
    expect(applyTechPackPatch(p, patch, LATER).bomRevision).toBe(2);
  });

  it('the same BOM with keys in another order (as a store may return it) is not a change', () => {
    // A stored item's maps need not come back in insertion order.
    const stored = techPack({
      state: 'Design',
      bomRevision: 2,
      bom: [
        {
          wastagePct: 5,
          consumption: { L: 1.2, S: 1, M: 1.1 },
          uom: 'm',
          material: 'FAB',
          variants: { RED: 'FAB-R', NAVY: 'FAB-N' },
        } as BomLine,
      ],
    });
    const patch = parseTechPackPatch(
      {
        bom: [
          {
            material: 'FAB',
            uom: 'm',
            consumption: { S: 1, M: 1.1, L: 1.2 },
            wastagePct: 5,
            variants: { NAVY: 'FAB-N', RED: 'FAB-R' },
          },
        ],
      },
      stored,
    );
    expect(applyTechPackPatch(stored, patch, LATER).bomRevision).toBe(2);
  });

  it('omitting wastagePct equals sending 0 (no change)', () => {
    const p = techPack({
      state: 'Design',
      bomRevision: 5,
      bom: [{ material: 'FAB', uom: 'm', consumption: 1, wastagePct: 0 }],
    });
    const patch = parseTechPackPatch({ bom: [{ material: 'FAB', uom: 'm', consumption: 1 }] }, p);
    expect(applyTechPackPatch(p, patch, LATER).bomRevision).toBe(5);
  });

  it('reordering BOM lines, adding or removing one is a change', () => {
    const two: BomLine[] = [
      { material: 'A', uom: 'm', consumption: 1, wastagePct: 0 },
      { material: 'B', uom: 'm', consumption: 1, wastagePct: 0 },
    ];
    const p = techPack({ state: 'Design', bomRevision: 1, bom: two });
    expect(applyTechPackPatch(p, { bom: [two[1], two[0]] }, LATER).bomRevision).toBe(2);
    expect(applyTechPackPatch(p, { bom: [two[0]] }, LATER).bomRevision).toBe(2);
    expect(
      applyTechPackPatch(p, { bom: [...two, { material: 'C', uom: 'pc', consumption: 1, wastagePct: 0 }] }, LATER)
        .bomRevision,
    ).toBe(2);
    expect(applyTechPackPatch(p, { bom: [] }, LATER).bomRevision).toBe(2);
  });

  it('a sizes or colors change without BOM change keeps bomRevision', () => {
    const p = techPack({
      state: 'Design',
      bomRevision: 4,
      bom: [{ material: 'FAB', uom: 'm', consumption: 1, wastagePct: 0 }],
    });
    const next = applyTechPackPatch(p, parseTechPackPatch({ sizes: ['S', 'M', 'L', 'XL'] }, p), LATER);
    expect(next.sizes).toEqual(['S', 'M', 'L', 'XL']);
    expect(next.bomRevision).toBe(4);
  });

  it('undefined patch values do not erase fields', () => {
    const next = applyTechPackPatch(
      techPack({ state: 'Design', season: 'SS26' }),
      { season: undefined, name: 'X' },
      LATER,
    );
    expect(next.season).toBe('SS26');
  });

  it('bomRevision goes up by exactly one iff the BOM changed (property)', () => {
    const arbLine = fc.record({
      material: fc.constantFrom('A', 'B', 'C'),
      uom: fc.constantFrom('m', 'pc'),
      consumption: fc.oneof(
        fc.constantFrom(0, 1, 1.5),
        fc.record({ S: fc.constantFrom(1, 2), M: fc.constantFrom(1, 2), L: fc.constantFrom(1, 2) }),
      ),
      wastagePct: fc.constantFrom(0, 5),
    });
    fc.assert(
      fc.property(
        fc.array(arbLine, { maxLength: 3 }),
        fc.array(arbLine, { maxLength: 3 }),
        fc.nat(50),
        (before, after, rev) => {
          const p = techPack({ state: 'Design', bom: before, bomRevision: rev });
          const next = applyTechPackPatch(p, { bom: after }, LATER);
          const changed = JSON.stringify(before) !== JSON.stringify(after);
          expect(next.bomRevision).toBe(changed ? rev + 1 : rev);
          expect(next.version).toBe(p.version + 1);
        },
      ),
    );
  });
});
describe('the sign-off protects the spec (TECH_PACK_LOCKED)', () => {
  const bom: BomLine[] = [{ material: 'FAB', uom: 'm', consumption: 1, wastagePct: 0 }];
  const changes = {
    sizes: { sizes: ['S', 'M', 'L', 'XL'] },
    colors: {
      colors: [
        { code: 'NAVY', name: 'Navy' },
        { code: 'RED', name: 'Red' },
        { code: 'GREEN', name: 'Green' },
      ],
    },
    bom: { bom: [{ ...bom[0], wastagePct: 3 }] },
    iqTemplate: { iqTemplate: 'IQ-OTHER' },
  } as const;

  it.each(['Approval', 'ProductionReady'] as const)(
    'in %s a change of sizes, colors, BOM or IQ template is 409 TECH_PACK_LOCKED',
    (state) => {
      for (const [field, patch] of Object.entries(changes)) {
        const p = techPack({ state, bom });
        const e = thrown(() => applyTechPackPatch(p, parseTechPackPatch(patch, p), LATER));
        expect(e).toBeInstanceOf(ConflictError);
        expect(e).toMatchObject({
          status: 409,
          code: 'TECH_PACK_LOCKED',
          details: { state, fields: [field], moveTo: 'Design' },
        });
        expect(e.message).toMatch(/back to Design/);
      }
    },
  );

  it.each(['Approval', 'ProductionReady'] as const)(
    'in %s name and season change, and the unchanged spec may be sent back',
    (state) => {
      const p = techPack({ state, bom });
      const same = {
        sizes: [...p.sizes],
        colors: p.colors.map((c) => ({ ...c })),
        bom: structuredClone(bom),
        iqTemplate: p.iqTemplate,
      };
      const next = applyTechPackPatch(p, parseTechPackPatch({ name: 'Renamed', season: 'AW27', ...same }, p), LATER);
      expect(next).toMatchObject({
        name: 'Renamed',
        season: 'AW27',
        version: p.version + 1,
        bomRevision: p.bomRevision,
      });
      expect(changedSpecFields(p, parseTechPackPatch(same, p))).toEqual([]);
    },
  );

  it('names every spec field that changes', () => {
    const p = techPack({ state: 'ProductionReady', bom });
    const e = thrown(() =>
      applyTechPackPatch(p, parseTechPackPatch({ ...changes.bom, ...changes.sizes, name: 'ok' }, p), LATER),
    );
    expect(e.details).toMatchObject({ fields: ['sizes', 'bom'] });
  });

  it.each(['Commercial', 'Design'] as const)('in %s the spec is editable', (state) => {
    for (const patch of Object.values(changes)) {
      const p = techPack({ state, bom });
      expect(() => applyTechPackPatch(p, parseTechPackPatch(patch, p), LATER)).not.toThrow();
    }
    expect(SPEC_LOCKED_STATES).toEqual(['Approval', 'ProductionReady']);
  });

  it('after a move back to Design the BOM changes and bomRevision goes up', () => {
    const ready = techPack({ state: 'ProductionReady', bom, bomRevision: 4 });
    const design = { ...ready, state: nextTechPackState(ready, 'Design', { roles: ['planner'] }) };
    expect(applyTechPackPatch(design, parseTechPackPatch(changes.bom, design), LATER).bomRevision).toBe(5);
  });
});

describe('sign-off is its own right', () => {
  const ROLES_WITHOUT_SIGN_OFF = ['commercial', 'planner', 'logistics', 'viewer', 'system'] as const;

  it.each(['approver', 'admin'] as const)('%s may move Approval -> ProductionReady', (role) => {
    expect(nextTechPackState(techPack({ state: 'Approval' }), 'ProductionReady', { roles: [role] })).toBe(
      'ProductionReady',
    );
    expect(SIGN_OFF_ROLES).toContain(role);
  });

  it.each(ROLES_WITHOUT_SIGN_OFF)('%s may not: 403 FORBIDDEN saying who can', (role) => {
    const e = thrown(() => nextTechPackState(techPack({ state: 'Approval' }), 'ProductionReady', { roles: [role] }));
    expect(e).toBeInstanceOf(ForbiddenError);
    expect(e).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(e.message).toMatch(/Only an approver \(or an admin\)/);
  });

  it('planners and commercial keep every other move', () => {
    for (const [from, to] of ALLOWED.filter(([, t]) => t !== 'ProductionReady')) {
      expect(nextTechPackState(techPack({ state: from }), to, { roles: ['planner'] })).toBe(to);
      expect(nextTechPackState(techPack({ state: from }), to, { roles: ['commercial'] })).toBe(to);
    }
  });

  it('an illegal move is 409 before any right is checked', () => {
    const e = thrown(() => nextTechPackState(techPack({ state: 'Design' }), 'ProductionReady', { roles: ['planner'] }));
    expect(e).toMatchObject({ status: 409, code: 'ILLEGAL_TRANSITION' });
  });
});
