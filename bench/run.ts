// npm run bench: how close each operation is to its floor, on the local stack (DynamoDB Local in
// memory, its own free ports). Prints tables and writes bench/results.json.
//
//   npm run bench                       full run (a few minutes)
//   npm run bench -- --seconds 30       throughput window in seconds (default 20)
//   npm run bench -- --clients 32       concurrent clients of the throughput section (default 16)
//   npm run bench -- --smoke            tiny and fast (< 60 s): writes bench/results.smoke.json
//   npm run bench -- --only overhead,coldStart   some sections only
//   npm run bench -- --out /tmp/r.json  write the results elsewhere
//
// Sections: 1 roundTrips, 2 overhead, 3 largeOrders, 4 throughput, 5 coldStart, 6 addonPush, 7 requirements,
// 8 capacity (units consumed per operation against their floor).
// 9 hotKeys (the 100x mix replayed, writes per partition key).
// 10 addonCost (the add-on in Apps Script terms).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs as parseArgv } from 'node:util';
import type { BenchConfig, BenchContext, StackContext } from './lib/context.js';
import { ROOT } from './lib/paths.js';
import { formatTable, SECTION_IDS, type Finding, type SectionId, type SectionResult } from './lib/report.js';
import { startBenchStack, type BenchStack } from './lib/stack.js';
import { addonCost } from './sections/addonCost.js';
import { addonPush } from './sections/addonPush.js';
import { capacity } from './sections/capacity.js';
import { coldStart } from './sections/coldStart.js';
import { largeOrders } from './sections/largeOrders.js';
import { overhead } from './sections/overhead.js';
import { roundTrips } from './sections/roundTrips.js';
import { requirements } from './sections/requirements.js';
import { throughput } from './sections/throughput.js';

interface Args {
  smoke: boolean;
  seconds?: number;
  clients?: number;
  out?: string;
  only?: SectionId[];
}

class UsageError extends Error {}

const USAGE = `usage: npm run bench -- [options]

  --smoke          tiny and fast (< 60 s); writes bench/results.smoke.json
  --seconds N      throughput window in seconds (default 20; smoke 3)
  --clients N      concurrent clients of the throughput section (default 16; smoke 4)
  --only ids       some sections only, comma separated: ${SECTION_IDS.join(', ')}
  --out file       where to write the results (default bench/results.json)
  -h, --help       this help
`;

function parseArgs(argv: string[]): Args {
  // biome-ignore lint/suspicious/noImplicitAnyLet: its type is parseArgs's, inferred from the options in the try
  let values;
  try {
    ({ values } = parseArgv({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        smoke: { type: 'boolean', default: false },
        seconds: { type: 'string' },
        clients: { type: 'string' },
        out: { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (try --help)`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const args: Args = { smoke: values.smoke };
  if (values.seconds !== undefined) args.seconds = positive(values.seconds, '--seconds');
  if (values.clients !== undefined) args.clients = Math.round(positive(values.clients, '--clients'));
  if (values.out !== undefined) args.out = values.out;
  if (values.only !== undefined) {
    const ids = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const id of ids) {
      if (!(SECTION_IDS as readonly string[]).includes(id)) {
        throw new UsageError(`--only: unknown section ${id} (one of ${SECTION_IDS.join(', ')})`);
      }
    }
    args.only = ids as SectionId[];
  }
  return args;
}

function positive(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number (got ${v})`);
  return n;
}

function configFor(args: Args): BenchConfig {
  const base: BenchConfig = args.smoke
    ? {
        smoke: true,
        seconds: 3,
        clients: 4,
        overheadSamples: 10,
        overheadWarmup: 3,
        coldRuns: 1,
        addonRuns: 3,
        replenishmentStyles: 3,
        // Smaller than the real thing (the full run's 100 x 200): the smoke only proves every path works.
        large: { sizes: 20, colors: 50, bomLines: 20, editCells: 200, targetBatches: 100 },
      }
    : {
        smoke: false,
        seconds: 20,
        clients: 16,
        overheadSamples: 300,
        overheadWarmup: 50,
        coldRuns: 15,
        addonRuns: 30,
        replenishmentStyles: 20,
        large: { sizes: 100, colors: 200, bomLines: 200, editCells: 2000, targetBatches: 1000 },
      };
  return { ...base, seconds: args.seconds ?? base.seconds, clients: args.clients ?? base.clients };
}

function git(): { commit?: string; dirty?: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() !== '';
    return { commit, dirty };
  } catch {
    return {};
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cfg = configFor(args);
  const wanted = new Set<SectionId>(args.only ?? SECTION_IDS);
  const out = path.resolve(args.out ?? path.join(ROOT, 'bench', cfg.smoke ? 'results.smoke.json' : 'results.json'));
  const started = Date.now();
  const startLoad = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const findings: Finding[] = [];
  const log = (m: string) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${m}\n`);
  const base: BenchContext = { cfg, findings, log };
  const sections: Partial<Record<SectionId, SectionResult>> = {};

  const run = async (id: SectionId, title: string, fn: () => Promise<SectionResult>) => {
    if (!wanted.has(id)) return;
    log(`${title}...`);
    const t0 = performance.now();
    try {
      sections[id] = await fn();
    } catch (err) {
      log(`${title} failed: ${(err as Error).stack ?? err}`);
      sections[id] = {
        id,
        title,
        ok: false,
        error: (err as Error).message,
        durationMs: performance.now() - t0,
        rows: [],
        notes: [],
      };
    }
    log(`${title}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };

  log(
    `${cfg.smoke ? 'smoke' : 'full'} run: ${cfg.clients} clients x ${cfg.seconds} s throughput, ${cfg.overheadSamples} latency samples per operation; load average ${startLoad.join(' ')} on ${os.cpus().length} CPUs`,
  );
  const needsStack = (
    ['roundTrips', 'overhead', 'largeOrders', 'throughput', 'requirements', 'capacity', 'hotKeys', 'addonCost'] as const
  ).some((id) => wanted.has(id));
  let stack: BenchStack | undefined;
  if (needsStack) {
    log('starting the local stack (DynamoDB Local in memory, free ports)...');
    stack = await startBenchStack(Math.max(64, cfg.clients * 2));
    log(`stack ready: ${stack.url} (DynamoDB Local ${stack.dynamoEndpoint})`);
  }
  try {
    if (stack) {
      const sctx: StackContext = { ...base, stack };
      await run('roundTrips', '1. DynamoDB round trips per operation', () => roundTrips(sctx));
      await run('overhead', '2. Overhead ratio (HTTP path / same DynamoDB requests)', () => overhead(sctx));
      await run('throughput', '4. Throughput (mixed workload)', () => throughput(sctx));
      await run('largeOrders', '3. Large orders', () => largeOrders(sctx));
      await run('requirements', '7. Material requirements across orders', () => requirements(sctx));
      await run('capacity', '8. Capacity per operation against its floor', () => capacity(sctx));
      await run('hotKeys', '9. Hot partition keys (100x mix)', async () =>
        (await import('./sections/hotKeys.js')).hotKeys(sctx),
      );
      await run('addonCost', '10. Add-on cost in Apps Script terms', () => addonCost(sctx));
    }
  } finally {
    if (stack) {
      log('stopping the local stack...');
      await stack.stop();
      log('stack stopped');
    }
  }
  // No stack from here on: DynamoDB Local's JVM would compete for the CPU.
  await run('coldStart', '5. Cold start (Lambda bundles as CDK ships them)', () => coldStart(base));
  await run('addonPush', '6. Add-on push', () => addonPush(base));

  const ordered = SECTION_IDS.filter((id) => sections[id]).map((id) => sections[id]!);
  const report: string[] = [];
  for (const s of ordered) {
    report.push('', `== ${s.title} ==`);
    if (!s.ok) report.push(`FAILED: ${s.error}`);
    if (s.table) report.push(formatTable(s.table.headers, s.table.rows));
    for (const n of s.notes) report.push(`  - ${n}`);
  }
  report.push('', '== Findings ==');
  if (findings.length === 0) report.push('  none: every operation is at its floor and every target is met.');
  for (const f of findings) report.push(`  - [${f.section}] ${f.text}`);
  process.stdout.write(`${report.join('\n')}\n`);

  const results = {
    meta: {
      mode: cfg.smoke ? 'smoke' : 'full',
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      // Other work on the machine skews every latency: kept with the figures.
      loadAverageAtStart: startLoad,
      loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
      config: cfg,
      sectionsRun: [...wanted],
      git: git(),
    },
    sections,
    findings,
  };
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${path.relative(process.cwd(), out) || out}`);
  const failed = ordered.filter((s) => !s.ok);
  if (failed.length) {
    log(`${failed.length} section(s) failed: ${failed.map((s) => s.id).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(
    err instanceof UsageError ? `bench: ${err.message}\n` : `bench failed: ${(err as Error).stack ?? err}\n`,
  );
  process.exitCode = 1;
});
