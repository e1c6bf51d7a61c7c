// Section 5: cold start. Each Lambda entry is bundled the way the CDK stack ships it (NodejsFunction's
// esbuild options, read from infra/stack.ts), then imported in fresh Node processes: the
// module-initialisation time (the import of the bundle, which is what Lambda's Init phase runs beyond
// the runtime's own start) is compared with that of the floor: a bundle built with the same options
// that only creates a DynamoDB document client.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import type { BenchContext } from '../lib/context.js';
import { ROOT } from '../lib/paths.js';
import { fmt, kb, type Row, type SectionResult } from '../lib/report.js';
import { median, ms, round } from '../lib/stats.js';

export interface BundlingOptions {
  entries: Record<string, string>;
  format: 'esm' | 'cjs';
  target: string;
  minify: boolean;
  sourcemap: boolean;
  sourcesContent: boolean;
  mainFields: string[];
  banner?: string;
  externals: string[];
  /** NODE_OPTIONS the functions run with. */
  nodeOptions: string;
  source: string;
}

const DEFAULTS: BundlingOptions = {
  entries: {
    api: 'functions/api.ts',
    publisher: 'functions/publisher.ts',
    replenishment: 'functions/replenishment.ts',
  },
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner:
    "import { createRequire as __gfCreateRequire } from 'node:module'; const require = __gfCreateRequire(import.meta.url);",
  externals: [],
  nodeOptions: '--enable-source-maps',
  source: 'defaults (infra/stack.ts not found)',
};

/** The bundling options of infra/stack.ts, read from its text (loading aws-cdk-lib would take seconds). */
export function readBundlingOptions(): BundlingOptions {
  const file = path.join(ROOT, 'infra', 'stack.ts');
  if (!existsSync(file)) return DEFAULTS;
  const text = readFileSync(file, 'utf8');
  const opts: BundlingOptions = { ...DEFAULTS, entries: { ...DEFAULTS.entries }, source: 'infra/stack.ts' };
  const entriesBlock = /FUNCTION_ENTRIES\s*=\s*\{([^}]*)\}/.exec(text)?.[1];
  if (entriesBlock) {
    const entries: Record<string, string> = {};
    for (const m of entriesBlock.matchAll(/(\w+)\s*:\s*['"]([^'"]+)['"]/g)) entries[m[1]] = m[2];
    if (Object.keys(entries).length) opts.entries = entries;
  }
  const bundling = /bundling\s*:\s*\{([\s\S]*?)\n\s*\},?\n/.exec(text)?.[1] ?? '';
  const bool = (name: string, fallback: boolean) => {
    const m = new RegExp(`\\b${name}\\s*:\\s*(true|false)`).exec(bundling);
    return m ? m[1] === 'true' : fallback;
  };
  if (/format\s*:\s*OutputFormat\.CJS/.test(bundling)) opts.format = 'cjs';
  opts.target = /target\s*:\s*['"]([^'"]+)['"]/.exec(bundling)?.[1] ?? opts.target;
  opts.minify = bool('minify', opts.minify);
  opts.sourcemap = bool('sourceMap', opts.sourcemap);
  opts.sourcesContent = bool('sourcesContent', opts.sourcesContent);
  const mf = /mainFields\s*:\s*\[([^\]]*)\]/.exec(bundling)?.[1];
  if (mf) opts.mainFields = [...mf.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]);
  const shimName = /banner\s*:\s*(\w+)/.exec(bundling)?.[1];
  const shim = shimName
    ? new RegExp(`const ${shimName}\\s*=\\s*("(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*')`).exec(text)?.[1]
    : undefined;
  if (shim) opts.banner = shim.slice(1, -1).replace(/\\(["'\\])/g, '$1');
  // bundleAwsSDK: true ships the pinned SDK inside; otherwise NodejsFunction marks @aws-sdk/* external.
  opts.externals = bool('bundleAwsSDK', false) ? [] : ['@aws-sdk/*'];
  const nodeOptions = /NODE_OPTIONS\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  if (nodeOptions !== undefined) opts.nodeOptions = nodeOptions;
  return opts;
}

const FLOOR_SOURCE = `// The floor: a Lambda that only creates a DynamoDB document client.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => ({ ready: client !== undefined });
`;

const RUNNER = `const c0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(process.argv[2]);
const t1 = performance.now();
const cpu = process.cpuUsage(c0);
if (typeof mod.handler !== 'function') throw new Error('no handler export');
process.stdout.write(JSON.stringify({ initMs: t1 - t0, cpuMs: (cpu.user + cpu.system) / 1000 }));
`;

async function build(
  name: string,
  entry: string,
  outDir: string,
  o: BundlingOptions,
): Promise<{ file: string; bytes: number; mapBytes: number; zipBytes: number }> {
  const esbuild = await import('esbuild');
  const dir = path.join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, o.format === 'esm' ? 'index.mjs' : 'index.js');
  await esbuild.build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: o.format,
    target: o.target,
    mainFields: o.mainFields,
    minify: o.minify,
    sourcemap: o.sourcemap,
    sourcesContent: o.sourcesContent,
    banner: o.banner ? { js: o.banner } : undefined,
    external: o.externals,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
    absWorkingDir: ROOT,
    // The floor's source sits in a temp folder: let it find the project's packages.
    nodePaths: entry.startsWith(ROOT) ? undefined : [path.join(ROOT, 'node_modules')],
  });
  const code = readFileSync(file);
  const map = existsSync(`${file}.map`) ? readFileSync(`${file}.map`) : Buffer.alloc(0);
  // The deployment package is a zip of the bundle and its map: deflate approximates its size.
  return {
    file,
    bytes: code.length,
    mapBytes: map.length,
    zipBytes: deflateRawSync(code, { level: 9 }).length + deflateRawSync(map, { level: 9 }).length,
  };
}

function initOnce(runner: string, file: string, nodeOptions: string): Promise<{ initMs: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      TABLE_NAME: 'garmentflow-bench',
      EVENT_BUS_NAME: 'garmentflow-bench',
      LOG_LEVEL: 'ERROR',
    };
    const args = [...nodeOptions.split(/\s+/).filter(Boolean), runner, pathToFileURL(file).href];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`exit ${code}: ${err.slice(-800)}`);
        resolve(JSON.parse(out) as { initMs: number; cpuMs: number });
      } catch (e) {
        reject(new Error(`initialising ${path.basename(path.dirname(file))} failed: ${(e as Error).message}`));
      }
    });
  });
}

export async function coldStart(ctx: BenchContext): Promise<SectionResult> {
  const t0 = performance.now();
  const o = readBundlingOptions();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gf-bench-cold-'));
  try {
    const runner = path.join(tmp, 'runner.mjs');
    writeFileSync(runner, RUNNER);
    const floorEntry = path.join(tmp, 'floor.ts');
    writeFileSync(floorEntry, FLOOR_SOURCE);

    const bundles: {
      name: string;
      entry: string;
      built?: Awaited<ReturnType<typeof build>>;
      error?: string;
      samples: { initMs: number; cpuMs: number }[];
    }[] = [
      { name: 'floor (document client only)', entry: floorEntry, samples: [] },
      ...Object.entries(o.entries).map(([name, rel]) => ({
        name,
        entry: path.join(ROOT, rel),
        samples: [] as { initMs: number; cpuMs: number }[],
      })),
    ];
    await Promise.all(
      bundles.map(async (b) => {
        if (!existsSync(b.entry)) {
          b.error = `not available yet (${path.relative(ROOT, b.entry)} missing)`;
          return;
        }
        try {
          b.built = await build(b.name.startsWith('floor') ? 'floor' : b.name, b.entry, tmp, o);
        } catch (err) {
          b.error = `bundling failed: ${(err as Error).message.slice(0, 400)}`;
        }
      }),
    );
    ctx.log(`  cold start: ${bundles.filter((b) => b.built).length} bundles, ${ctx.cfg.coldRuns} fresh processes each`);
    // Warm the OS file cache once, then interleave so drift hits every bundle alike.
    if (!ctx.cfg.smoke)
      for (const b of bundles) if (b.built) await initOnce(runner, b.built.file, o.nodeOptions).catch(() => undefined);
    for (let i = 0; i < ctx.cfg.coldRuns; i++) {
      for (const b of bundles) {
        if (!b.built || b.error) continue;
        try {
          b.samples.push(await initOnce(runner, b.built.file, o.nodeOptions));
        } catch (err) {
          b.error = (err as Error).message.slice(0, 400);
        }
      }
    }

    const floor = bundles[0];
    if (!floor.built || floor.error || !floor.samples.length)
      throw new Error(`the floor bundle could not be measured: ${floor.error}`);
    const wall = (b: (typeof bundles)[number]) => b.samples.map((x) => x.initMs);
    const cpu = (b: (typeof bundles)[number]) => b.samples.map((x) => x.cpuMs);
    const floorMs = median(wall(floor));
    const floorCpu = median(cpu(floor));
    const rows: Row[] = bundles.map((b) => {
      if (!b.built || b.error || !b.samples.length)
        return {
          name: b.name,
          available: false,
          requires: b === floor ? [] : [`file:${path.relative(ROOT, b.entry)}`],
          reason: b.error ?? 'not measured',
        };
      const initMs = median(wall(b));
      const cpuMs = median(cpu(b));
      return {
        name: b.name,
        available: true,
        metrics: {
          bytes: b.built.bytes,
          mapBytes: b.built.mapBytes,
          zipBytes: b.built.zipBytes,
          initMs: ms(initMs),
          initMinMs: ms(Math.min(...wall(b))),
          initMaxMs: ms(Math.max(...wall(b))),
          cpuMs: ms(cpuMs),
          ratio: round(initMs / floorMs, 2),
          cpuRatio: round(cpuMs / floorCpu, 2),
          bytesRatio: round(b.built.bytes / floor.built!.bytes, 2),
          runs: b.samples.length,
        },
      };
    });
    for (const r of rows.slice(1)) {
      if (r.available && Math.min(r.metrics!.ratio, r.metrics!.cpuRatio) > 1.5) {
        ctx.findings.push({
          section: 'coldStart',
          text: `${r.name}: module initialisation takes ${fmt(r.metrics!.ratio)}x the floor (${fmt(r.metrics!.initMs)} ms vs ${fmt(floorMs)} ms; CPU ${fmt(r.metrics!.cpuRatio)}x), bundle ${kb(r.metrics!.bytes)}`,
        });
      }
    }
    return {
      id: 'coldStart',
      title: '5. Cold start: Lambda bundles as CDK ships them vs a bundle that only creates a DynamoDB document client',
      ok: true,
      durationMs: performance.now() - t0,
      rows,
      summary: { bundling: { ...o, banner: o.banner ? 'createRequire shim' : undefined } },
      notes: [
        `bundling options read from ${o.source}: esbuild, bundle, format ${o.format}, target ${o.target}, platform node, minify ${o.minify}, source map ${o.sourcemap} (sourcesContent ${o.sourcesContent}), mainFields ${o.mainFields.join(',')}, externals ${o.externals.length ? o.externals.join(',') : 'none (the SDK is bundled)'}${o.banner ? ', createRequire banner' : ''}.`,
        `init: wall time to import the bundle in a fresh \`node ${o.nodeOptions}\` process (as Lambda sets NODE_OPTIONS), median of ${ctx.cfg.coldRuns} runs; ratio = init / init of the floor. Node's own start is not included.`,
        'CPU: the process CPU time spent by that import (user + system): steadier than wall time on a busy machine; CPU ratio = CPU / CPU of the floor.',
        `Locally on Node ${process.versions.node}; Lambda runs Node 22 on arm64: absolute times differ, ratios carry over.`,
        'zip: deflated size of the bundle + map, close to the deployment package Lambda downloads.',
      ],
      table: {
        headers: ['bundle', 'bytes', 'zip', 'init p50', 'min..max', 'CPU p50', 'ratio to floor', 'CPU ratio'],
        rows: rows.map((r) => [
          r.name,
          r.available ? kb(r.metrics!.bytes) : '-',
          r.available ? kb(r.metrics!.zipBytes) : '-',
          r.available ? `${fmt(r.metrics!.initMs, 1)} ms` : (r.reason ?? ''),
          r.available ? `${fmt(r.metrics!.initMinMs, 1)}..${fmt(r.metrics!.initMaxMs, 1)}` : '',
          r.available ? `${fmt(r.metrics!.cpuMs, 1)} ms` : '',
          r.available ? (r.name.startsWith('floor') ? '1.00 (floor)' : fmt(r.metrics!.ratio)) : '',
          r.available ? (r.name.startsWith('floor') ? '1.00' : fmt(r.metrics!.cpuRatio)) : '',
        ]),
      },
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
