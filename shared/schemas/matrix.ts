// The size x color matrix: one row per color, one column per size.
import * as v from 'valibot';
import { PARSE_CONFIG, checkedBy, codeList, issueAt, strict } from './core.js';

export const LIMITS = { sizes: 100, colors: 500, cells: 20_000, cellMax: 10_000_000 } as const;

const CELL = `must be a whole number from 0 to ${LIMITS.cellMax}`;
export const CellQuantity = v.pipe(
  v.number(CELL),
  v.integer(CELL),
  v.minValue(0, CELL),
  v.maxValue(LIMITS.cellMax, CELL),
);

const Quantities = v.pipe(
  v.array(v.array(CellQuantity)),
  v.description('One row per color, one quantity per size (row and column counts are checked in code)'),
);

/** A matrix as the API answers it. */
export const Matrix = v.pipe(
  v.object({ sizes: v.array(v.string()), colors: v.array(v.string()), quantities: v.array(v.array(v.number())) }),
  v.description('One row per color, one column per size.'),
);

const MatrixShape = strict(
  // Quantities are checked by runMatrix below: the rows and cells are read against sizes and colors.
  {
    sizes: codeList(LIMITS.sizes),
    colors: codeList(LIMITS.colors),
    quantities: v.optional(checkedBy(Quantities, (value) => ({ value }))),
  },
  'must be an object with sizes, colors and quantities',
);

/** The cell count problem, or undefined. */
export function cellCountProblem(sizes: number, colors: number): string | undefined {
  const cells = sizes * colors;
  if (cells <= LIMITS.cells) return undefined;
  return `has ${cells} cells (${colors} colors x ${sizes} sizes); at most ${LIMITS.cells} are allowed`;
}

export function isCellQuantity(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= LIMITS.cellMax;
}

const MAX_CELLS_REPORTED = 20;

function runMatrix(input: unknown) {
  const issues: v.BaseIssue<unknown>[] = [];
  const parsed = v.safeParse(MatrixShape, input, PARSE_CONFIG);
  if (!parsed.success) return { issues: parsed.issues };
  const { sizes, colors } = parsed.output;
  const count = cellCountProblem(sizes.length, colors.length);
  if (count) return { issues: [issueAt([], count)] };
  const q = (input as { quantities?: unknown }).quantities;
  if (q === undefined)
    return { value: { sizes: [...sizes], colors: [...colors], quantities: colors.map(() => sizes.map(() => 0)) } };
  if (!Array.isArray(q) || q.length !== colors.length) {
    return { issues: [issueAt(['quantities'], `must have one row per color (${colors.length} rows)`)] };
  }
  let reported = 0;
  q.forEach((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== sizes.length) {
      issues.push(issueAt(['quantities', r], `must have one quantity per size (${sizes.length})`));
      return;
    }
    row.forEach((cell: unknown, c) => {
      if (!isCellQuantity(cell) && reported++ < MAX_CELLS_REPORTED) {
        issues.push(issueAt(['quantities', r, c], `${CELL} (color ${colors[r]}, size ${sizes[c]})`));
      }
    });
  });
  if (reported > MAX_CELLS_REPORTED)
    issues.push(issueAt(['quantities'], `${reported - MAX_CELLS_REPORTED} more cells are invalid`));
  if (issues.length) return { issues };
  return { value: { sizes: [...sizes], colors: [...colors], quantities: (q as number[][]).map((row) => [...row]) } };
}

/**
 * A matrix in a request: quantities default to zeros. At most LIMITS.cells cells, one row per
 * color and one quantity per size (code: they span fields); at most 20 bad cells are named.
 */
export const MatrixInput = v.pipe(
  checkedBy(MatrixShape, runMatrix) as v.GenericSchema<unknown, v.InferOutput<typeof Matrix>>,
  v.description(`Quantities default to zeros. At most ${LIMITS.cells} cells (sizes x colors), checked in code.`),
);
