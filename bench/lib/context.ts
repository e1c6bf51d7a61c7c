// What every section receives: the running stack (when the section needs one), the run's settings,
// and a place for findings.
import type { BenchStack } from './stack.js';
import type { Finding } from './report.js';

export interface BenchConfig {
  smoke: boolean;
  /** Throughput window. */
  seconds: number;
  clients: number;
  /** Latency samples per operation and path (section 2). */
  overheadSamples: number;
  overheadWarmup: number;
  /** Fresh Node processes per bundle (section 5). */
  coldRuns: number;
  /** In-process repetitions of the add-on diff (section 6). */
  addonRuns: number;
  /** Styles the replenishment run creates orders for (section 1). */
  replenishmentStyles: number;
  large: { sizes: number; colors: number; bomLines: number; editCells: number; targetBatches: number };
}

export interface BenchContext {
  cfg: BenchConfig;
  findings: Finding[];
  log(message: string): void;
}

export interface StackContext extends BenchContext {
  stack: BenchStack;
}
