// ISO 2859-1 (= ANSI/ASQ Z1.4, the successor of MIL-STD-105E) single sampling plans for normal inspection:
// Table I (lot size and inspection level -> sample size code letter) and Table II-A (code letter and AQL ->
// sample size, acceptance number Ac and rejection number Re), arrows followed. Pure data and arithmetic.
//
// How a plan is read (the standard's clause 10 and the notes under Table II-A):
// 1. Table I gives the code letter from the lot size and the inspection level.
// 2. Table II-A, at that letter's row and the AQL's column, gives Ac and Re - or an arrow. A down arrow means
//    "use the first sampling plan below the arrow", an up arrow "the first plan above". The sample size is the
//    sample size of the row where the plan was found, not of the original letter. Each AQL (each defect class)
//    follows its own arrows, so the classes of one lot can need different sample sizes.
// 3. When a sample size equals or exceeds the lot size, the whole lot is inspected (sample size = lot size),
//    with that plan's Ac and Re.
//
// How this module reports differing sample sizes: every class in the plan carries its own `codeLetter` (the row
// its plan was found in) and `sampleSize` (that row's sample size, capped at the lot size). The top-level
// `codeLetter` is Table I's letter for the lot; the top-level `sampleSize` is the largest class sample size -
// the number of units to draw. Each class is judged on its own plan: defects of that class counted in its own
// sample size (the first units of the draw). The standard also allows reading every class at the letter of the
// largest sample size; this module does not do that, so each class keeps exactly the plan the table gives it.
// Without any AQL the top-level sample size is the Table I letter's own (capped at the lot size).

export const INSPECTION_LEVELS = ['S-1', 'S-2', 'S-3', 'S-4', 'I', 'II', 'III'] as const;
export type InspectionLevel = (typeof INSPECTION_LEVELS)[number];

export const CODE_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R'] as const;
export type CodeLetter = (typeof CODE_LETTERS)[number];

/** Table II-A: the sample size of each code letter. */
// biome-ignore format: one line, as the table prints it
export const SAMPLE_SIZES: Readonly<Record<CodeLetter, number>> = {
  A: 2, B: 3, C: 5, D: 8, E: 13, F: 20, G: 32, H: 50, J: 80, K: 125, L: 200, M: 315, N: 500, P: 800, Q: 1250, R: 2000,
};

/**
 * The standard's preferred AQL values (Table II-A's columns), in percent nonconforming (up to 10) or
 * nonconformities per 100 units (all of them). As JSON numbers: 0.010 is 0.01, 1.0 is 1.
 */
// biome-ignore format: two lines, the AQLs below 10 and those from 10 on
export const PREFERRED_AQLS = [
  0.01, 0.015, 0.025, 0.04, 0.065, 0.1, 0.15, 0.25, 0.4, 0.65, 1, 1.5, 2.5, 4, 6.5,
  10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000,
] as const;

export function isPreferredAql(value: unknown): value is number {
  return typeof value === 'number' && (PREFERRED_AQLS as readonly number[]).includes(value);
}

export const DEFECT_CLASSES = ['critical', 'major', 'minor'] as const;
export type DefectClass = (typeof DEFECT_CLASSES)[number];
export type AqlSet = Partial<Record<DefectClass, number>>;

/**
 * Table I, by lot-size band: the upper bound of the band (inclusive; the last band is open) and the code letters
 * for S-1, S-2, S-3, S-4, I, II, III in that order.
 */
const TABLE_I: ReadonlyArray<readonly [number, string]> = [
  [8, 'A A A A A A B'],
  [15, 'A A A A A B C'],
  [25, 'A A B B B C D'],
  [50, 'A B B C C D E'],
  [90, 'B B C C C E F'],
  [150, 'B B C D D F G'],
  [280, 'B C D E E G H'],
  [500, 'B C D E F H J'],
  [1200, 'C C E F G J K'],
  [3200, 'C D E G H K L'],
  [10000, 'C D F G J L M'],
  [35000, 'C D F H K M N'],
  [150000, 'D E G J L N P'],
  [500000, 'D E G J M P Q'],
  [Number.POSITIVE_INFINITY, 'D E H K N Q R'],
];

/**
 * Table II-A as printed: one row per code letter, one cell per AQL of PREFERRED_AQLS in order.
 * `Ac/Re` is a plan, `v` a down arrow (first plan below), `^` an up arrow (first plan above).
 *
 * Cross-checked against three published transcriptions (two of AQL 0.065 to 15 in all 16 rows, one of 0.65 to
 * 15 in rows A to Q): they agree with this table on every cell they cover but one. Two corner cells need a
 * reading so every cell reaches a plan:
 * - A at AQL 10: two transcriptions print a down arrow, one an up arrow - which would point above the table (no
 *   row above A). It is a down arrow here: the first plan below is C, 1/2, n = 5.
 * - R at AQL 0.015: the table's diagonal would put a down arrow there, but there is no row below R. It is an up
 *   arrow here (first plan above: P, 0/1, n = 800), like Q's cell in the same column.
 *
 *        0.010 0.015 0.025 0.040 0.065  0.10  0.15  0.25  0.40  0.65   1.0   1.5   2.5   4.0   6.5    10    15
 *          25    40    65   100   150   250   400   650  1000
 */
const TABLE_II_A: Readonly<Record<CodeLetter, string>> = {
  A: 'v v v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31',
  B: 'v v v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45',
  C: 'v v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^',
  D: 'v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^ ^',
  E: 'v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^ ^ ^',
  F: 'v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^',
  G: 'v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^',
  H: 'v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^',
  J: 'v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^',
  K: 'v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^',
  L: 'v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^',
  M: 'v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^',
  N: 'v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^',
  P: 'v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^',
  Q: '0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^',
  R: '^ ^ 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^',
};

/** One cell of Table II-A: a plan, or an arrow. */
export type TableCell = { accept: number; reject: number } | 'down' | 'up';

const CELLS: Readonly<Record<CodeLetter, readonly TableCell[]>> = Object.fromEntries(
  CODE_LETTERS.map((letter) => {
    const tokens = TABLE_II_A[letter].split(' ');
    if (tokens.length !== PREFERRED_AQLS.length) throw new Error(`Table II-A row ${letter} has ${tokens.length} cells`);
    const cells = tokens.map((t): TableCell => {
      if (t === 'v') return 'down';
      if (t === '^') return 'up';
      const [accept, reject] = t.split('/').map(Number);
      return { accept, reject };
    });
    return [letter, cells];
  }),
) as Record<CodeLetter, TableCell[]>;

function checkLotSize(lotSize: number): void {
  if (!Number.isInteger(lotSize) || lotSize < 1)
    throw new RangeError(`lot size must be a whole number >= 1, got ${lotSize}`);
}

function checkLevel(level: string): asserts level is InspectionLevel {
  if (!(INSPECTION_LEVELS as readonly string[]).includes(level))
    throw new RangeError(`unknown inspection level ${level}`);
}

function aqlIndex(aql: number): number {
  const i = (PREFERRED_AQLS as readonly number[]).indexOf(aql);
  if (i < 0) throw new RangeError(`AQL ${aql} is not one of the standard's preferred values`);
  return i;
}

/**
 * Table I: the sample size code letter for a lot. Lots start at 2 pieces in the standard; a lot of 1 is read in
 * the first band (and is then always inspected 100%).
 */
export function codeLetter(lotSize: number, level: InspectionLevel): CodeLetter {
  checkLotSize(lotSize);
  checkLevel(level);
  const band = TABLE_I.find(([upTo]) => lotSize <= upTo)!;
  return band[1].split(' ')[INSPECTION_LEVELS.indexOf(level)] as CodeLetter;
}

/** Table II-A's cell as printed (arrows not followed). */
export function tableCell(letter: CodeLetter, aql: number): TableCell {
  const row = CELLS[letter];
  if (!row) throw new RangeError(`unknown code letter ${letter}`);
  return row[aqlIndex(aql)];
}

export interface LetterPlan {
  /** The row the plan was found in, after following the arrows. */
  codeLetter: CodeLetter;
  /** That row's sample size (not capped at any lot size). */
  sampleSize: number;
  accept: number;
  reject: number;
}

/** Table II-A at `letter` and `aql`, arrows followed to the first plan below (down) or above (up). */
export function letterPlan(letter: CodeLetter, aql: number): LetterPlan {
  const column = aqlIndex(aql);
  let row = CODE_LETTERS.indexOf(letter);
  if (row < 0) throw new RangeError(`unknown code letter ${letter}`);
  const start = CELLS[letter][column];
  // An arrow points at the first plan in its direction; the cells it passes over are arrows of the same column.
  const step = start === 'down' ? 1 : start === 'up' ? -1 : 0;
  for (let cell = start; typeof cell === 'string'; cell = CELLS[CODE_LETTERS[row]][column]) {
    row += step;
    if (row < 0 || row >= CODE_LETTERS.length)
      throw new Error(`Table II-A: no plan ${start} from ${letter} at AQL ${aql}`);
  }
  const found = CODE_LETTERS[row];
  const cell = CELLS[found][column] as { accept: number; reject: number };
  return { codeLetter: found, sampleSize: SAMPLE_SIZES[found], accept: cell.accept, reject: cell.reject };
}

export interface ClassPlan {
  aql: number;
  accept: number;
  reject: number;
  /** The row of Table II-A this class's plan comes from (differs from the lot's letter when an arrow moved it). */
  codeLetter: CodeLetter;
  /** Units to inspect for this class: that row's sample size, or the whole lot when that is not smaller. */
  sampleSize: number;
}

/** CONTRACT's inspection plan, plus per class the row and sample size its plan came from. */
export interface InspectionPlan {
  lotSize: number;
  inspectionLevel: InspectionLevel;
  /** Table I's letter for the lot. */
  codeLetter: CodeLetter;
  /** Units to draw: the largest class sample size (the letter's own without any AQL), at most the lot size. */
  sampleSize: number;
  /** True when the whole lot is to be inspected (sampleSize = lotSize). */
  fullInspection: boolean;
  critical?: ClassPlan;
  major?: ClassPlan;
  minor?: ClassPlan;
}

export interface SamplingRequest {
  lotSize: number;
  inspectionLevel: InspectionLevel;
  aql: AqlSet;
}

/** The single sampling plan for normal inspection of one lot. Throws RangeError on input outside the tables. */
export function samplingPlan({ lotSize, inspectionLevel, aql }: SamplingRequest): InspectionPlan {
  const letter = codeLetter(lotSize, inspectionLevel);
  const plan: InspectionPlan = {
    lotSize,
    inspectionLevel,
    codeLetter: letter,
    sampleSize: 0,
    fullInspection: false,
  };
  const sizes: number[] = [];
  for (const cls of DEFECT_CLASSES) {
    const value = aql[cls];
    if (value === undefined) continue;
    const found = letterPlan(letter, value);
    const sampleSize = Math.min(found.sampleSize, lotSize);
    plan[cls] = { aql: value, accept: found.accept, reject: found.reject, codeLetter: found.codeLetter, sampleSize };
    sizes.push(sampleSize);
  }
  plan.sampleSize = sizes.length > 0 ? Math.max(...sizes) : Math.min(SAMPLE_SIZES[letter], lotSize);
  plan.fullInspection = plan.sampleSize === lotSize;
  return plan;
}
