// Headless Chromium (Debian's, driven by playwright-core) showing the add-on's HTML with a stubbed
// google.script.run: each call goes to `serve(name, args)` in Node, which answers like Apps Script
// would (serialized data; a thrown error reaches the failure handler).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { GOOGLE_ADDON_CSS } from '../../../addon/build.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Launched {
  browser: BrowserContext;
  close(): Promise<void>;
}

export async function launch(): Promise<Launched> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'gf-chromium-'));
  // A fresh profile each run (playwright passes it as --user-data-dir).
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** google.script.run, as a page script: a chainable runner whose calls go to window.__gfServe. */
const STUB = `(() => {
  const runner = (success, failure) => new Proxy({}, {
    get(_t, name) {
      if (name === 'withSuccessHandler') return (fn) => runner(fn, failure);
      if (name === 'withFailureHandler') return (fn) => runner(success, fn);
      return (...args) => {
        window.__gfServe(name, JSON.stringify(args)).then((raw) => {
          const r = JSON.parse(raw);
          if (r.ok) { if (success) success(r.out); }
          else if (failure) failure(new Error(r.message));
        });
      };
    },
  });
  window.google = { script: { run: runner(), host: { close: () => { window.__closed = true; } } } };
})();`;

export type Serve = (name: string, args: unknown[]) => unknown | Promise<unknown>;

/** Opens `file` (a built HTML file) with google.script.run stubbed to call `serve`. */
export async function openPage(
  browser: BrowserContext,
  file: string,
  serve: Serve,
): Promise<{ page: Page; calls: { name: string; args: unknown[] }[]; errors: string[] }> {
  const page = await browser.newPage();
  await withoutGoogleCss(page);
  const calls: { name: string; args: unknown[] }[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.exposeFunction('__gfServe', async (name: string, argsJson: string) => {
    const args = JSON.parse(argsJson) as unknown[];
    calls.push({ name, args });
    try {
      const out = await serve(name, args);
      return JSON.stringify({ ok: true, out: out === undefined ? null : out });
    } catch (e) {
      return JSON.stringify({ ok: false, message: e instanceof Error ? e.message : String(e) });
    }
  });
  // A string, not a function: the test runner's transpiler would add helpers the page lacks.
  await page.addInitScript(STUB);
  // A navigation (not setContent) so the init script runs in the page's document.
  await page.goto(pathToFileURL(file).href);
  return { page, calls, errors };
}

/** Google's add-on CSS package (linked by the built HTML, served by Google) cannot be reached
 * here: it is refused at once so no page waits on it. The inlined style.css gives the same look. */
export async function withoutGoogleCss(page: Page): Promise<void> {
  await page.route(GOOGLE_ADDON_CSS, (route) => route.abort());
}
