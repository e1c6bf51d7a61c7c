// shared/sampling.ts at the corners of ISO 2859-1 Table II-A that test/unit/sampling.test.ts does not
// print cell by cell: the lowest AQL columns (0.010 to 0.40, where most cells are down arrows to the
// bottom rows), the columns from AQL 10 to 1000 (nonconformities per 100 units; up arrows under the
// 21/22, 30/31 and 44/45 diagonals), and the 100% inspection when the plan's sample is not smaller
// than the lot (including plans an arrow moved to a far larger row).
//
// Checked against these public copies of the tables (ISO 2859-1 = ANSI/ASQ Z1.4 = MIL-STD-105E for
// Tables I and II-A):
// - MIL-STD-105E (10 May 1989), Table II-A "Single sampling plans for normal inspection (Master
//   table)", as transcribed at https://www.scribd.com/document/563507790/Tablas: per code letter the
//   plans in order, e.g. "A 2: 0 1, 1 2, 2 3, 3 4, 5 6, 7 8, 10 11, 14 15, 21 22, 30 31", rows B to E
//   ending in 44 45, rows F to Q in 21 22, and row R without 0 1 ("R 2000: 1 2 ... 21 22"). The
//   arrows are lost in that copy; between the plans they are as the notes under the table say ("use
//   first sampling plan below / above arrow").
// - The same table's level II extract for AQL 0.65 to 15 with its arrows,
//   http://www.nibs.org/FMOC/DPW_AC/AC-TABLE.ASC (Table 1-A, "developed from MIL-STD-105E").
// - The ANSI/ASQC Z1.4 / ISO 2859 chart at https://pdfcoffee.com/aql-sampling-chart-pdf-free.html
//   (Table I as printed, and the note "If sample size equals or exceeds lot or batch size, do 100
//   percent inspection"); ISO 2859-1:1999 clause 10 via IS 2500 (Part 1):2000, which is identical to it
//   (https://archive.org/download/gov.in.is.2500.1.2000/is.2500.1.2000.txt).
// Every cell below agrees with shared/sampling.ts; no cell needed fixing. The two cells whose printed
// arrow points outside the table (A at 10: the NIBS copy prints an up arrow with no row above; R at
// 0.015: no row below) keep the module's documented reading (first plan below, resp. above).
import { describe, expect, it } from 'vitest';
import {
  CODE_LETTERS,
  type CodeLetter,
  letterPlan,
  PREFERRED_AQLS,
  SAMPLE_SIZES,
  samplingPlan,
  tableCell,
} from '../../shared/sampling.js';

const grid = (text: string) =>
  new Map(
    text
      .trim()
      .split('\n')
      .map((line) => {
        const [letter, ...rest] = line.trim().split(/\s+/);
        return [letter as CodeLetter, rest];
      }),
  );

const printedCell = (letter: CodeLetter, aql: number) => {
  const c = tableCell(letter, aql);
  return c === 'down' ? 'v' : c === 'up' ? '^' : `${c.accept}/${c.reject}`;
};

/** AQL 0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40 as printed (v down, ^ up). */
const LOW_AQLS = [0.01, 0.015, 0.025, 0.04, 0.065, 0.1, 0.15, 0.25, 0.4];
const LOW_PRINTED = `
  A  v    v    v    v    v    v    v    v    v
  B  v    v    v    v    v    v    v    v    v
  C  v    v    v    v    v    v    v    v    v
  D  v    v    v    v    v    v    v    v    v
  E  v    v    v    v    v    v    v    v    v
  F  v    v    v    v    v    v    v    v    v
  G  v    v    v    v    v    v    v    v    0/1
  H  v    v    v    v    v    v    v    0/1  ^
  J  v    v    v    v    v    v    0/1  ^    v
  K  v    v    v    v    v    0/1  ^    v    1/2
  L  v    v    v    v    0/1  ^    v    1/2  2/3
  M  v    v    v    0/1  ^    v    1/2  2/3  3/4
  N  v    v    0/1  ^    v    1/2  2/3  3/4  5/6
  P  v    0/1  ^    v    1/2  2/3  3/4  5/6  7/8
  Q  0/1  ^    v    1/2  2/3  3/4  5/6  7/8  10/11
  R  ^    ^    1/2  2/3  3/4  5/6  7/8  10/11 14/15
`;

/** AQL 10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000 as printed. */
const HIGH_AQLS = [10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000];
const HIGH_PRINTED = `
  A  v     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31
  B  v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45
  C  1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ^
  D  2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ^     ^
  E  3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ^     ^     ^
  F  5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^
  G  7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^
  H  10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^
  J  14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^
  K  21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
  L  ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
  M  ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
  N  ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
  P  ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
  Q  ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
  R  ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
`;

/**
 * After the arrows: sample size, Ac, Re at AQL 0.010, 0.015, 0.025, 0.040 | 10, 15, 25, 100, 1000. The
 * sample size is the row the arrow leads to (A at 0.015 is P's plan: 800 pieces, accept 0).
 */
const RESOLVED_AQLS = [0.01, 0.015, 0.025, 0.04, 10, 15, 25, 100, 1000];
const RESOLVED = `
  A  1250 0 1  800 0 1  500 0 1   315 0 1   5 1 2     3 1 2    2 1 2     2 5 6     2 30 31
  B  1250 0 1  800 0 1  500 0 1   315 0 1   5 1 2     3 1 2    3 2 3     3 7 8     3 44 45
  C  1250 0 1  800 0 1  500 0 1   315 0 1   5 1 2     5 2 3    5 3 4     5 10 11   3 44 45
  D  1250 0 1  800 0 1  500 0 1   315 0 1   8 2 3     8 3 4    8 5 6     8 14 15   3 44 45
  E  1250 0 1  800 0 1  500 0 1   315 0 1   13 3 4    13 5 6   13 7 8    13 21 22  3 44 45
  F  1250 0 1  800 0 1  500 0 1   315 0 1   20 5 6    20 7 8   20 10 11  13 21 22  3 44 45
  G  1250 0 1  800 0 1  500 0 1   315 0 1   32 7 8    32 10 11 32 14 15  13 21 22  3 44 45
  H  1250 0 1  800 0 1  500 0 1   315 0 1   50 10 11  50 14 15 50 21 22  13 21 22  3 44 45
  J  1250 0 1  800 0 1  500 0 1   315 0 1   80 14 15  80 21 22 50 21 22  13 21 22  3 44 45
  K  1250 0 1  800 0 1  500 0 1   315 0 1   125 21 22 80 21 22 50 21 22  13 21 22  3 44 45
  L  1250 0 1  800 0 1  500 0 1   315 0 1   125 21 22 80 21 22 50 21 22  13 21 22  3 44 45
  M  1250 0 1  800 0 1  500 0 1   315 0 1   125 21 22 80 21 22 50 21 22  13 21 22  3 44 45
  N  1250 0 1  800 0 1  500 0 1   315 0 1   125 21 22 80 21 22 50 21 22  13 21 22  3 44 45
  P  1250 0 1  800 0 1  500 0 1   1250 1 2  125 21 22 80 21 22 50 21 22  13 21 22  3 44 45
  Q  1250 0 1  800 0 1  2000 1 2  1250 1 2  125 21 22 80 21 22 50 21 22  13 21 22  3 44 45
  R  1250 0 1  800 0 1  2000 1 2  2000 2 3  125 21 22 80 21 22 50 21 22  13 21 22  3 44 45
`;

describe('Table II-A corners: the printed cells', () => {
  const low = grid(LOW_PRINTED);
  const high = grid(HIGH_PRINTED);

  it('covers all 16 code letters and the 20 columns outside 0.65 to 6.5', () => {
    expect([...low.keys()]).toEqual([...CODE_LETTERS]);
    expect([...high.keys()]).toEqual([...CODE_LETTERS]);
    const covered = new Set([...LOW_AQLS, ...HIGH_AQLS, 0.65, 1, 1.5, 2.5, 4, 6.5]);
    expect(PREFERRED_AQLS.filter((a) => !covered.has(a))).toEqual([]);
  });

  for (const letter of CODE_LETTERS) {
    it(`letter ${letter}: AQL 0.010 to 0.40 and 10 to 1000 as printed`, () => {
      expect(LOW_AQLS.map((aql) => printedCell(letter, aql))).toEqual(low.get(letter));
      expect(HIGH_AQLS.map((aql) => printedCell(letter, aql))).toEqual(high.get(letter));
    });
  }

  it('has 0/1 in rows A to Q only, and 30/31 and 44/45 only in rows A to E', () => {
    const rowsWith = (pair: string) =>
      CODE_LETTERS.filter((l) => PREFERRED_AQLS.some((aql) => printedCell(l, aql) === pair)).join('');
    expect(rowsWith('0/1')).toBe('ABCDEFGHJKLMNPQ');
    expect(rowsWith('21/22')).toBe('ABCDEFGHJKLMNPQR');
    expect(rowsWith('30/31')).toBe('ABCDE');
    expect(rowsWith('44/45')).toBe('BCDE');
  });
});

describe('Table II-A corners: the plans after the arrows', () => {
  const resolved = grid(RESOLVED);
  for (const letter of CODE_LETTERS) {
    it(`letter ${letter} (n = ${SAMPLE_SIZES[letter]})`, () => {
      const plans = RESOLVED_AQLS.flatMap((aql) => {
        const p = letterPlan(letter, aql);
        expect(p.sampleSize).toBe(SAMPLE_SIZES[p.codeLetter]);
        return [String(p.sampleSize), String(p.accept), String(p.reject)];
      });
      expect(plans).toEqual(resolved.get(letter));
    });
  }

  it('moves code letter A at AQL 0.015 down to the first row with numbers, P', () => {
    expect(letterPlan('A', 0.015)).toEqual({ codeLetter: 'P', sampleSize: 800, accept: 0, reject: 1 });
    expect(letterPlan('A', 0.01)).toEqual({ codeLetter: 'Q', sampleSize: 1250, accept: 0, reject: 1 });
    // Up from the bottom: R at AQL 25 climbs to H (the first row with a plan in that column).
    expect(letterPlan('R', 25)).toEqual({ codeLetter: 'H', sampleSize: 50, accept: 21, reject: 22 });
    expect(letterPlan('R', 250)).toEqual({ codeLetter: 'E', sampleSize: 13, accept: 44, reject: 45 });
    expect(letterPlan('F', 650)).toEqual({ codeLetter: 'C', sampleSize: 5, accept: 44, reject: 45 });
  });
});

describe('100% inspection when the sample would not be smaller than the lot', () => {
  it('a small lot whose AQL points far down inspects every piece with that plan', () => {
    // 10 pieces at level II: B (3). Critical 0.015 points down to P: 800 > 10, so all 10, Ac 0 / Re 1.
    expect(samplingPlan({ lotSize: 10, inspectionLevel: 'II', aql: { critical: 0.015 } })).toEqual({
      lotSize: 10,
      inspectionLevel: 'II',
      codeLetter: 'B',
      sampleSize: 10,
      fullInspection: true,
      critical: { aql: 0.015, accept: 0, reject: 1, codeLetter: 'P', sampleSize: 10 },
    });
    // 4 pieces at level I: A; AQL 10 points down to C (5 > 4): all 4, Ac 1 / Re 2.
    expect(samplingPlan({ lotSize: 4, inspectionLevel: 'I', aql: { major: 10 } })).toMatchObject({
      codeLetter: 'A',
      sampleSize: 4,
      fullInspection: true,
      major: { accept: 1, reject: 2, codeLetter: 'C', sampleSize: 4 },
    });
  });

  it('a sample equal to the lot is 100% too; one piece more is a sample again', () => {
    // 2 pieces at S-1: A (2); AQL 1000 is A's own 30/31 on 2 pieces: the whole lot.
    expect(samplingPlan({ lotSize: 2, inspectionLevel: 'S-1', aql: { minor: 1000 } })).toMatchObject({
      codeLetter: 'A',
      sampleSize: 2,
      fullInspection: true,
      minor: { accept: 30, reject: 31, codeLetter: 'A', sampleSize: 2 },
    });
    // 1,250 pieces at level III: L (200); AQL 0.010 points down to Q, 1,250: exactly the lot.
    expect(samplingPlan({ lotSize: 1250, inspectionLevel: 'III', aql: { critical: 0.01 } })).toMatchObject({
      codeLetter: 'L',
      sampleSize: 1250,
      fullInspection: true,
      critical: { accept: 0, reject: 1, codeLetter: 'Q', sampleSize: 1250 },
    });
    expect(samplingPlan({ lotSize: 1251, inspectionLevel: 'III', aql: { critical: 0.01 } })).toMatchObject({
      sampleSize: 1250,
      fullInspection: false,
    });
  });

  it('one class on the whole lot, another on its own smaller sample', () => {
    // 1,000 pieces at level II: J (80). Critical 0.010 -> Q (1,250 > 1,000): all; major 2.5 on J: 80.
    expect(samplingPlan({ lotSize: 1000, inspectionLevel: 'II', aql: { critical: 0.01, major: 2.5 } })).toMatchObject({
      codeLetter: 'J',
      sampleSize: 1000,
      fullInspection: true,
      critical: { accept: 0, reject: 1, codeLetter: 'Q', sampleSize: 1000 },
      major: { accept: 5, reject: 6, codeLetter: 'J', sampleSize: 80 },
    });
  });

  it('a large lot whose AQL points up draws the small sample of the row above', () => {
    // 500,000 pieces at level II: P (800). AQL 25 points up to H: 50 pieces, Ac 21 / Re 22.
    expect(samplingPlan({ lotSize: 500_000, inspectionLevel: 'II', aql: { minor: 25 } })).toMatchObject({
      codeLetter: 'P',
      sampleSize: 50,
      fullInspection: false,
      minor: { accept: 21, reject: 22, codeLetter: 'H', sampleSize: 50 },
    });
  });
});
