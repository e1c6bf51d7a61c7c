import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CODE_LETTERS,
  INSPECTION_LEVELS,
  PREFERRED_AQLS,
  SAMPLE_SIZES,
  codeLetter,
  letterPlan,
  samplingPlan,
  tableCell,
  type CodeLetter,
  type InspectionLevel,
} from '../../shared/sampling.js';

// The expectations below are the standard's published tables written out by hand (ISO 2859-1 Table 1 and
// Table 2-A, identical to ANSI/ASQ Z1.4 Table I and II-A and MIL-STD-105E), not derived from the module's data.

/** ISO 2859-1 Table I, sample size code letters, as published. */
const PUBLISHED_TABLE_I = `
  lot size         S-1 S-2 S-3 S-4 I  II III
  2-8               A   A   A   A  A  A  B
  9-15              A   A   A   A  A  B  C
  16-25             A   A   B   B  B  C  D
  26-50             A   B   B   C  C  D  E
  51-90             B   B   C   C  C  E  F
  91-150            B   B   C   D  D  F  G
  151-280           B   C   D   E  E  G  H
  281-500           B   C   D   E  F  H  J
  501-1200          C   C   E   F  G  J  K
  1201-3200         C   D   E   G  H  K  L
  3201-10000        C   D   F   G  J  L  M
  10001-35000       C   D   F   H  K  M  N
  35001-150000      D   E   G   J  L  N  P
  150001-500000     D   E   G   J  M  P  Q
  500001-           D   E   H   K  N  Q  R
`;

const bands = PUBLISHED_TABLE_I.trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [range, ...letters] = line.trim().split(/\s+/);
    const [lo, hi] = range.split('-');
    return { lo: Number(lo), hi: hi === '' ? undefined : Number(hi), letters };
  });
const LEVEL_COLUMNS: InspectionLevel[] = ['S-1', 'S-2', 'S-3', 'S-4', 'I', 'II', 'III'];

describe('Table I: sample size code letters', () => {
  it('has all 15 bands of the published table', () => {
    expect(bands).toHaveLength(15);
    expect(bands.every((b) => b.letters.length === 7)).toBe(true);
  });

  for (const band of bands) {
    const label = band.hi === undefined ? `${band.lo} and over` : `${band.lo} to ${band.hi}`;
    it(`lot ${label}: every level, at both ends of the band`, () => {
      const lots =
        band.hi === undefined
          ? [band.lo, band.lo + 1, 10_000_000]
          : [band.lo, Math.floor((band.lo + band.hi) / 2), band.hi];
      for (const lot of lots) {
        const got = LEVEL_COLUMNS.map((level) => codeLetter(lot, level));
        expect(got, `lot ${lot}`).toEqual(band.letters);
      }
    });
  }

  it('reads a lot of 1 in the first band and refuses what is not a lot size', () => {
    expect(codeLetter(1, 'III')).toBe('B');
    for (const bad of [0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => codeLetter(bad, 'II')).toThrow(RangeError);
    expect(() => codeLetter(100, 'IV' as InspectionLevel)).toThrow(RangeError);
  });
});

describe('Table II-A: sample sizes', () => {
  it('gives each code letter its published sample size', () => {
    expect(SAMPLE_SIZES).toEqual({
      A: 2,
      B: 3,
      C: 5,
      D: 8,
      E: 13,
      F: 20,
      G: 32,
      H: 50,
      J: 80,
      K: 125,
      L: 200,
      M: 315,
      N: 500,
      P: 800,
      Q: 1250,
      R: 2000,
    });
  });

  it('has the 26 preferred AQL columns from 0.010 to 1000', () => {
    expect(PREFERRED_AQLS).toEqual([
      0.01, 0.015, 0.025, 0.04, 0.065, 0.1, 0.15, 0.25, 0.4, 0.65, 1, 1.5, 2.5, 4, 6.5, 10, 15, 25, 40, 65, 100, 150,
      250, 400, 650, 1000,
    ]);
  });
});

const AQLS = [0.65, 1, 1.5, 2.5, 4, 6.5] as const;

/**
 * The printed cells of Table II-A in the columns 0.65, 1.0, 1.5, 2.5, 4.0, 6.5 (v = down arrow, ^ = up arrow).
 */
const PRINTED = `
  A   v    v    v    v    v    0/1
  B   v    v    v    v    0/1  ^
  C   v    v    v    0/1  ^    v
  D   v    v    0/1  ^    v    1/2
  E   v    0/1  ^    v    1/2  2/3
  F   0/1  ^    v    1/2  2/3  3/4
  G   ^    v    1/2  2/3  3/4  5/6
  H   v    1/2  2/3  3/4  5/6  7/8
  J   1/2  2/3  3/4  5/6  7/8  10/11
  K   2/3  3/4  5/6  7/8  10/11 14/15
  L   3/4  5/6  7/8  10/11 14/15 21/22
  M   5/6  7/8  10/11 14/15 21/22 ^
  N   7/8  10/11 14/15 21/22 ^   ^
  P   10/11 14/15 21/22 ^  ^    ^
  Q   14/15 21/22 ^  ^    ^    ^
  R   21/22 ^   ^    ^    ^    ^
`;

/**
 * The plan each letter gets in those columns once the arrows are followed: sample size, Ac, Re. The sample size
 * is the one of the row the arrow leads to (e.g. A at 2.5 is C's plan: 5 pieces, accept 0).
 */
const RESOLVED = `
  A   20 0 1     13 0 1     8 0 1      5 0 1      3 0 1      2 0 1
  B   20 0 1     13 0 1     8 0 1      5 0 1      3 0 1      2 0 1
  C   20 0 1     13 0 1     8 0 1      5 0 1      3 0 1      8 1 2
  D   20 0 1     13 0 1     8 0 1      5 0 1      13 1 2     8 1 2
  E   20 0 1     13 0 1     8 0 1      20 1 2     13 1 2     13 2 3
  F   20 0 1     13 0 1     32 1 2     20 1 2     20 2 3     20 3 4
  G   20 0 1     50 1 2     32 1 2     32 2 3     32 3 4     32 5 6
  H   80 1 2     50 1 2     50 2 3     50 3 4     50 5 6     50 7 8
  J   80 1 2     80 2 3     80 3 4     80 5 6     80 7 8     80 10 11
  K   125 2 3    125 3 4    125 5 6    125 7 8    125 10 11  125 14 15
  L   200 3 4    200 5 6    200 7 8    200 10 11  200 14 15  200 21 22
  M   315 5 6    315 7 8    315 10 11  315 14 15  315 21 22  200 21 22
  N   500 7 8    500 10 11  500 14 15  500 21 22  315 21 22  200 21 22
  P   800 10 11  800 14 15  800 21 22  500 21 22  315 21 22  200 21 22
  Q   1250 14 15 1250 21 22 800 21 22  500 21 22  315 21 22  200 21 22
  R   2000 21 22 1250 21 22 800 21 22  500 21 22  315 21 22  200 21 22
`;

const rows = (text: string) =>
  new Map(
    text
      .trim()
      .split('\n')
      .map((line) => {
        const [letter, ...rest] = line.trim().split(/\s+/);
        return [letter as CodeLetter, rest];
      }),
  );

describe('Table II-A: every code letter at AQL 0.65, 1.0, 1.5, 2.5, 4.0 and 6.5', () => {
  const printed = rows(PRINTED);
  const resolved = rows(RESOLVED);

  it('covers all 16 letters', () => {
    expect([...printed.keys()]).toEqual([...CODE_LETTERS]);
    expect([...resolved.keys()]).toEqual([...CODE_LETTERS]);
  });

  for (const letter of CODE_LETTERS) {
    it(`letter ${letter} (n = ${SAMPLE_SIZES[letter]}): printed cells and the plans after the arrows`, () => {
      const cells = AQLS.map((aql) => {
        const c = tableCell(letter, aql);
        return c === 'down' ? 'v' : c === 'up' ? '^' : `${c.accept}/${c.reject}`;
      });
      expect(cells).toEqual(printed.get(letter));
      const plans = AQLS.flatMap((aql) => {
        const p = letterPlan(letter, aql);
        return [String(p.sampleSize), String(p.accept), String(p.reject)];
      });
      expect(plans).toEqual(resolved.get(letter));
    });
  }
});

describe('Table II-A: the rest of the table', () => {
  it('reads the low AQL columns down to Q and R', () => {
    expect(letterPlan('A', 0.01)).toEqual({ codeLetter: 'Q', sampleSize: 1250, accept: 0, reject: 1 });
    expect(letterPlan('R', 0.01)).toEqual({ codeLetter: 'Q', sampleSize: 1250, accept: 0, reject: 1 });
    expect(letterPlan('P', 0.015)).toEqual({ codeLetter: 'P', sampleSize: 800, accept: 0, reject: 1 });
    expect(letterPlan('R', 0.025)).toEqual({ codeLetter: 'R', sampleSize: 2000, accept: 1, reject: 2 });
    expect(letterPlan('J', 0.065)).toEqual({ codeLetter: 'L', sampleSize: 200, accept: 0, reject: 1 });
    expect(letterPlan('K', 0.1)).toEqual({ codeLetter: 'K', sampleSize: 125, accept: 0, reject: 1 });
    expect(letterPlan('R', 0.4)).toEqual({ codeLetter: 'R', sampleSize: 2000, accept: 14, reject: 15 });
  });

  it('resolves the two cells whose printed arrow points outside the table', () => {
    // A at 10: no plan above A, so the first plan below (C: 1/2); R at 0.015: no plan below R, so P above.
    expect(letterPlan('A', 10)).toEqual({ codeLetter: 'C', sampleSize: 5, accept: 1, reject: 2 });
    expect(letterPlan('R', 0.015)).toEqual({ codeLetter: 'P', sampleSize: 800, accept: 0, reject: 1 });
  });

  it('reads AQL 10 and 15 and the nonconformities-per-100-units columns up to 1000', () => {
    expect(['A', 'B', 'C', 'H', 'K', 'L', 'R'].map((l) => letterPlan(l as CodeLetter, 10))).toEqual([
      { codeLetter: 'C', sampleSize: 5, accept: 1, reject: 2 },
      { codeLetter: 'C', sampleSize: 5, accept: 1, reject: 2 },
      { codeLetter: 'C', sampleSize: 5, accept: 1, reject: 2 },
      { codeLetter: 'H', sampleSize: 50, accept: 10, reject: 11 },
      { codeLetter: 'K', sampleSize: 125, accept: 21, reject: 22 },
      { codeLetter: 'K', sampleSize: 125, accept: 21, reject: 22 },
      { codeLetter: 'K', sampleSize: 125, accept: 21, reject: 22 },
    ]);
    expect(letterPlan('A', 15)).toEqual({ codeLetter: 'B', sampleSize: 3, accept: 1, reject: 2 });
    expect(letterPlan('J', 15)).toEqual({ codeLetter: 'J', sampleSize: 80, accept: 21, reject: 22 });
    expect(letterPlan('K', 15)).toEqual({ codeLetter: 'J', sampleSize: 80, accept: 21, reject: 22 });
    expect(letterPlan('A', 25)).toEqual({ codeLetter: 'A', sampleSize: 2, accept: 1, reject: 2 });
    expect(letterPlan('E', 100)).toEqual({ codeLetter: 'E', sampleSize: 13, accept: 21, reject: 22 });
    expect(letterPlan('F', 100)).toEqual({ codeLetter: 'E', sampleSize: 13, accept: 21, reject: 22 });
    expect(letterPlan('E', 150)).toEqual({ codeLetter: 'E', sampleSize: 13, accept: 30, reject: 31 });
    expect(letterPlan('E', 250)).toEqual({ codeLetter: 'E', sampleSize: 13, accept: 44, reject: 45 });
    expect(letterPlan('D', 400)).toEqual({ codeLetter: 'D', sampleSize: 8, accept: 44, reject: 45 });
    expect(letterPlan('C', 650)).toEqual({ codeLetter: 'C', sampleSize: 5, accept: 44, reject: 45 });
    expect(letterPlan('A', 1000)).toEqual({ codeLetter: 'A', sampleSize: 2, accept: 30, reject: 31 });
    expect(letterPlan('B', 1000)).toEqual({ codeLetter: 'B', sampleSize: 3, accept: 44, reject: 45 });
    expect(letterPlan('R', 1000)).toEqual({ codeLetter: 'B', sampleSize: 3, accept: 44, reject: 45 });
  });

  it('refuses an AQL that is not a preferred value', () => {
    for (const bad of [0, 2, 3.5, 0.05, 2000]) expect(() => letterPlan('J', bad)).toThrow(RangeError);
    expect(() => samplingPlan({ lotSize: 100, inspectionLevel: 'II', aql: { major: 2 } })).toThrow(RangeError);
  });
});

describe('samplingPlan', () => {
  it('answers the CONTRACT shape: 1,200 pieces at level II, AQL 2.5 major and 4.0 minor', () => {
    expect(samplingPlan({ lotSize: 1200, inspectionLevel: 'II', aql: { major: 2.5, minor: 4 } })).toEqual({
      lotSize: 1200,
      inspectionLevel: 'II',
      codeLetter: 'J',
      sampleSize: 80,
      fullInspection: false,
      major: { aql: 2.5, accept: 5, reject: 6, codeLetter: 'J', sampleSize: 80 },
      minor: { aql: 4, accept: 7, reject: 8, codeLetter: 'J', sampleSize: 80 },
    });
  });

  it('gives a class moved by an arrow its own sample size; the lot draws the largest', () => {
    const plan = samplingPlan({
      lotSize: 1200,
      inspectionLevel: 'II',
      aql: { critical: 0.065, major: 2.5, minor: 6.5 },
    });
    expect(plan.codeLetter).toBe('J');
    expect(plan.critical).toEqual({ aql: 0.065, accept: 0, reject: 1, codeLetter: 'L', sampleSize: 200 });
    expect(plan.major).toEqual({ aql: 2.5, accept: 5, reject: 6, codeLetter: 'J', sampleSize: 80 });
    expect(plan.minor).toEqual({ aql: 6.5, accept: 10, reject: 11, codeLetter: 'J', sampleSize: 80 });
    expect(plan.sampleSize).toBe(200);
    // An up arrow can make a class's sample smaller than the letter's: the lot still draws the largest class.
    const up = samplingPlan({ lotSize: 2000, inspectionLevel: 'III', aql: { major: 6.5 } });
    expect(up.codeLetter).toBe('L');
    expect(up.major).toEqual({ aql: 6.5, accept: 21, reject: 22, codeLetter: 'L', sampleSize: 200 });
    const moved = samplingPlan({ lotSize: 20_000, inspectionLevel: 'III', aql: { major: 6.5 } });
    expect(moved.codeLetter).toBe('N');
    expect(moved.major).toEqual({ aql: 6.5, accept: 21, reject: 22, codeLetter: 'L', sampleSize: 200 });
    expect(moved.sampleSize).toBe(200);
  });

  it("without an AQL draws the letter's own sample", () => {
    expect(samplingPlan({ lotSize: 300, inspectionLevel: 'I', aql: {} })).toEqual({
      lotSize: 300,
      inspectionLevel: 'I',
      codeLetter: 'F',
      sampleSize: 20,
      fullInspection: false,
    });
  });

  it('inspects tiny lots 100%: the sample never exceeds the lot', () => {
    expect(samplingPlan({ lotSize: 2, inspectionLevel: 'II', aql: { major: 6.5 } })).toEqual({
      lotSize: 2,
      inspectionLevel: 'II',
      codeLetter: 'A',
      sampleSize: 2,
      fullInspection: true,
      major: { aql: 6.5, accept: 0, reject: 1, codeLetter: 'A', sampleSize: 2 },
    });
    // 5 pieces at II is A (2), but AQL 1.0 points down to E (13): the whole lot.
    expect(samplingPlan({ lotSize: 5, inspectionLevel: 'II', aql: { major: 1 } })).toMatchObject({
      codeLetter: 'A',
      sampleSize: 5,
      fullInspection: true,
      major: { accept: 0, reject: 1, codeLetter: 'E', sampleSize: 5 },
    });
    // Level III starts at B (3): a lot of 3 is inspected whole, a lot of 8 is not.
    expect(samplingPlan({ lotSize: 3, inspectionLevel: 'III', aql: {} })).toMatchObject({
      sampleSize: 3,
      fullInspection: true,
    });
    expect(samplingPlan({ lotSize: 8, inspectionLevel: 'III', aql: {} })).toMatchObject({
      sampleSize: 3,
      fullInspection: false,
    });
    expect(samplingPlan({ lotSize: 1, inspectionLevel: 'S-1', aql: { minor: 4 } })).toMatchObject({
      sampleSize: 1,
      fullInspection: true,
      minor: { accept: 0, reject: 1, sampleSize: 1 },
    });
    // 40 pieces at II is D (8); AQL 0.65 points down to F (20): sampled, not whole. AQL 0.25 needs H (50) > 40.
    expect(samplingPlan({ lotSize: 40, inspectionLevel: 'II', aql: { major: 0.65 } })).toMatchObject({
      sampleSize: 20,
      fullInspection: false,
    });
    expect(samplingPlan({ lotSize: 40, inspectionLevel: 'II', aql: { critical: 0.25 } })).toMatchObject({
      sampleSize: 40,
      fullInspection: true,
    });
  });
});

const level = fc.constantFrom(...INSPECTION_LEVELS);
const aqlValue = fc.constantFrom(...PREFERRED_AQLS);
const lot = fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 2_000_000 }));
const aqls = fc.record({ critical: aqlValue, major: aqlValue, minor: aqlValue }, { requiredKeys: [] });
const LEGAL_PAIRS = new Set(['0/1', '1/2', '2/3', '3/4', '5/6', '7/8', '10/11', '14/15', '21/22', '30/31', '44/45']);

describe('properties', () => {
  it('every class plan is a published single-sampling pair: accept < reject = accept + 1', () => {
    fc.assert(
      fc.property(lot, level, aqls, (lotSize, inspectionLevel, aql) => {
        const plan = samplingPlan({ lotSize, inspectionLevel, aql });
        for (const cls of ['critical', 'major', 'minor'] as const) {
          const c = plan[cls];
          expect(c === undefined).toBe(aql[cls] === undefined);
          if (!c) continue;
          expect(c.accept).toBeLessThan(c.reject);
          expect(c.reject).toBe(c.accept + 1);
          expect(LEGAL_PAIRS.has(`${c.accept}/${c.reject}`)).toBe(true);
          expect(c.sampleSize).toBe(Math.min(SAMPLE_SIZES[c.codeLetter], lotSize));
        }
      }),
    );
  });

  it('every cell of the table leads to a plan, in the direction of its arrow', () => {
    for (const letter of CODE_LETTERS) {
      for (const aql of PREFERRED_AQLS) {
        const cell = tableCell(letter, aql);
        const found = letterPlan(letter, aql);
        const from = CODE_LETTERS.indexOf(letter);
        const to = CODE_LETTERS.indexOf(found.codeLetter);
        if (cell === 'down') expect(to).toBeGreaterThan(from);
        else if (cell === 'up') expect(to).toBeLessThan(from);
        else expect(found).toEqual({ codeLetter: letter, sampleSize: SAMPLE_SIZES[letter], ...cell });
        // The plan found is the first one: every cell passed over is an arrow.
        for (let i = Math.min(from, to) + 1; i < Math.max(from, to); i++)
          expect(typeof tableCell(CODE_LETTERS[i], aql)).toBe('string');
      }
    }
  });

  it('the sample size never exceeds the lot and never shrinks as the lot grows', () => {
    fc.assert(
      fc.property(lot, lot, level, aqls, (a, b, inspectionLevel, aql) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        const p = samplingPlan({ lotSize: small, inspectionLevel, aql });
        const q = samplingPlan({ lotSize: large, inspectionLevel, aql });
        expect(p.sampleSize).toBeGreaterThanOrEqual(1);
        expect(p.sampleSize).toBeLessThanOrEqual(small);
        expect(q.sampleSize).toBeGreaterThanOrEqual(p.sampleSize);
        expect(CODE_LETTERS.indexOf(q.codeLetter)).toBeGreaterThanOrEqual(CODE_LETTERS.indexOf(p.codeLetter));
        expect(p.fullInspection).toBe(p.sampleSize === small);
      }),
    );
  });

  it('a higher inspection level never draws a smaller code letter (S-1 .. S-4, I, II, III)', () => {
    fc.assert(
      fc.property(lot, (lotSize) => {
        const letters = INSPECTION_LEVELS.map((l) => CODE_LETTERS.indexOf(codeLetter(lotSize, l)));
        for (let i = 1; i < letters.length; i++) expect(letters[i]).toBeGreaterThanOrEqual(letters[i - 1]);
      }),
    );
  });

  it('at one code letter a looser AQL never accepts fewer defects', () => {
    for (const letter of CODE_LETTERS) {
      const accepts = PREFERRED_AQLS.map((aql) => letterPlan(letter, aql).accept);
      for (let i = 1; i < accepts.length; i++)
        expect(accepts[i], `${letter} at ${PREFERRED_AQLS[i]}`).toBeGreaterThanOrEqual(accepts[i - 1]);
    }
  });
});
