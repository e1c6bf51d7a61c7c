// What each section hands back, how results are written, and the plain-text tables.

/** The sections, in the order they are printed. */
export const SECTION_IDS = [
  'roundTrips',
  'overhead',
  'largeOrders',
  'throughput',
  'coldStart',
  'addonPush',
  'requirements',
  'hotKeys',
  'capacity',
  'addonCost',
] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export interface Row {
  name: string;
  /** False when the feature the row measures is not in the code base yet (or could not be measured). */
  available: boolean;
  /** What the row needs: routes as "POST /v1/..." (from the served OpenAPI document), files as "file:addon/src/diff.ts". */
  requires?: string[];
  /** Why the row is not available. */
  reason?: string;
  /** The figures (every one a finite number when available). */
  metrics?: Record<string, number>;
  /** Anything else worth keeping (DynamoDB operations, sizes of parts, ...). */
  info?: Record<string, unknown>;
  /** A verdict: "ABOVE MIN", "PASS", "FAIL", "OK". */
  flag?: string;
  note?: string;
}

export interface SectionResult {
  id: string;
  title: string;
  /** False when the section itself failed (an exception), not when a target was missed. */
  ok: boolean;
  error?: string;
  durationMs: number;
  rows: Row[];
  /** How to read the figures. */
  notes: string[];
  /** Section-wide figures (e.g. throughput totals). */
  summary?: Record<string, unknown>;
  /** Plain-text table printed to the console. */
  table?: { headers: string[]; rows: string[][] };
}

export interface Finding {
  section: string;
  text: string;
}

export const NOT_AVAILABLE = 'not available yet';

export function unavailable(name: string, requires: string[], reason = NOT_AVAILABLE): Row {
  return { name, available: false, requires, reason };
}

export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function fmt(x: number | undefined, digits = 2): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(digits);
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** A row that could not be measured because of an error: kept, marked, and explained. */
export function failedRow(name: string, err: unknown, requires?: string[]): Row {
  return {
    name,
    available: false,
    requires,
    reason: `error: ${(err as Error).message?.slice(0, 300) ?? String(err)}`,
    flag: 'ERROR',
  };
}
