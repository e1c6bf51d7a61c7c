// `npm run addon:preview -- --out DIR`: draws what planners see as PNG files, from the real
// renderers. The add-on is built (addon/build.ts) and its Code.js run in a Node vm over the fake
// Google services (test/addon/fakes), against a real local stack (DynamoDB Local in memory, free
// ports) in a child process: the fake UrlFetchApp is synchronous (it blocks this thread while a
// worker does the HTTP), so the API cannot share this thread. Each fake sheet is drawn as HTML
// (render.ts) and screenshotted in headless Chromium (playwright-core, /usr/bin/chromium or
// CHROMIUM_PATH). Then the sidebar pictures (sidebar.ts: the built Sidebar.html with a stubbed
// google.script.run) into the same directory.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startBenchStack } from '../../bench/lib/stack.js';
import { buildAddon } from '../build.js';
import { sheetHtml } from './render.js';
import { drawSidebarPictures } from './sidebar.js';
import { Scenes, type Scene } from './scenes.js';

const USAGE = `usage: npm run addon:preview -- --out <dir> [--only name,...]
  --out <dir>   where to write the PNG files (created if missing)
  --only names  some pictures only: draft, conflict, inProgress, large, milestones,
                batchCells, sidebar (default: all)
  CHROMIUM_PATH=/path/to/chromium (default /usr/bin/chromium)`;

export const SCENES = ['draft', 'conflict', 'inProgress', 'large', 'milestones', 'batchCells'] as const;
export type SceneName = (typeof SCENES)[number];
/** The order sheet scenes, then the sidebar's pictures (all of them: one name). */
export const PICTURES = [...SCENES, 'sidebar'] as const;
export type PictureName = (typeof PICTURES)[number];

export interface PreviewOptions {
  out: string;
  only?: PictureName[];
  log?: (m: string) => void;
}

export function parsePreviewArgs(argv: string[]): PreviewOptions | { help: true } {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  if (!values.out) throw new Error('--out <dir> is required');
  const only = values.only?.split(',').map((s) => s.trim());
  for (const n of only ?? [])
    if (!(PICTURES as readonly string[]).includes(n)) throw new Error(`--only: unknown picture ${n}`);
  return { out: values.out, only: only as PictureName[] | undefined };
}

/** Draws the pictures; answers the files written. */
export async function preview(opts: PreviewOptions): Promise<string[]> {
  const log = opts.log ?? (() => {});
  const out = path.resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: set CHROMIUM_PATH`);
  const dist = mkdtempSync(path.join(os.tmpdir(), 'gf-preview-'));
  const files: string[] = [];
  log('building the add-on...');
  await buildAddon({ outDir: dist, apiUrl: '' });
  log('starting the local stack (DynamoDB Local in memory)...');
  const stack = await startBenchStack(8);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const scenes = new Scenes(
      { url: stack.url, planner: stack.tokens.planner, plannerEmail: 'ana@bench.example', admin: stack.tokens.admin },
      dist,
    );
    const wanted = new Set<PictureName>(opts.only ?? PICTURES);
    const drawn: Scene[] = [];
    for (const name of SCENES) if (wanted.has(name)) drawn.push(scenes[name]());
    for (const scene of drawn) {
      const page = await browser.newPage({ viewport: scene.viewport, deviceScaleFactor: 1 });
      const html = sheetHtml(scene.sheet, { ...scene.picture, title: 'Production orders SS27' });
      await page.setContent(html, { waitUntil: 'load' });
      const file = path.join(out, scene.file);
      await page.screenshot({ path: file });
      await page.close();
      if (process.env.GF_PREVIEW_HTML) writeFileSync(file.replace(/\.png$/, '.html'), html);
      files.push(file);
      log(`wrote ${path.relative(process.cwd(), file)}`);
    }
    // ---- SIDEBAR PICTURES: addon/preview/sidebar.ts, its own build and Chromium, same directory ----
    if (wanted.has('sidebar')) {
      log('drawing the sidebar...');
      const sidebar = await drawSidebarPictures(out);
      for (const f of sidebar) log(`wrote ${path.relative(process.cwd(), f)}`);
      files.push(...sidebar);
    }
  } finally {
    await browser.close();
    await stack.stop();
    rmSync(dist, { recursive: true, force: true });
  }
  return files;
}

const invokedDirectly = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (invokedDirectly) {
  let args: ReturnType<typeof parsePreviewArgs>;
  try {
    args = parsePreviewArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
    process.exit(2);
  }
  if ('help' in args) {
    console.log(USAGE);
    process.exit(0);
  }
  preview({ ...args, log: (m) => console.error(`[preview] ${m}`) })
    .then((files) => console.log(files.map((f) => path.relative(process.cwd(), f)).join('\n')))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    });
}
