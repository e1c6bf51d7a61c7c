// `npm run addon:build`: what lands in dist/, and that it behaves as an Apps Script project.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowlistPrefix, buildAddon, GOOGLE_ADDON_CSS, parseBuildArgs } from '../../addon/build.js';
import { globalFunctionNames, loadBundle } from './fakes/bundle.js';
import { fakeGas } from './fakes/services.js';

let dir: string;
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gf-addon-build-'));
  await buildAddon({ outDir: dir, apiUrl: 'https://api.example.com' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the add-on build', () => {
  it('reads its command line with parseArgs, refusing what it does not know', () => {
    expect(parseBuildArgs([])).toEqual({ help: false, outDir: undefined, minify: false });
    expect(parseBuildArgs(['--out', 'x/dist', '--minify'])).toEqual({ help: false, outDir: 'x/dist', minify: true });
    expect(parseBuildArgs(['--out=y'])).toMatchObject({ outDir: 'y' });
    expect(parseBuildArgs(['-h'])).toEqual({ help: true });
    expect(() => parseBuildArgs(['--outdir', 'x'])).toThrow(/Unknown option '--outdir'/);
    expect(() => parseBuildArgs(['--out'])).toThrow(/argument missing/);
    expect(() => parseBuildArgs(['dist'])).toThrow(/positional/);
  });

  it('writes the four files clasp pushes', async () => {
    const files = (await import('node:fs')).readdirSync(dir).sort();
    expect(files).toEqual(['Code.js', 'Settings.html', 'Sidebar.html', 'appsscript.json']);
  });

  it('declares the Apps Script globals at the top level of one script, and nothing Node-only', () => {
    expect(globalFunctionNames(dir)).toEqual([
      'cancelBatch',
      'changeDeliveryDate',
      'createOrder',
      'finishBatch',
      'generateBatches',
      'getActiveOrder',
      'getInspectionPlan',
      'getPendingChanges',
      'getSettings',
      'listOrders',
      'listTechPacks',
      'onEdit',
      'onInstall',
      'onOpen',
      'openBatchOutput',
      'openOrder',
      'openSettings',
      'pasteByCodes',
      'proposeSplit',
      'pushActiveSheet',
      'pushOrder',
      'ratioFill',
      'recordInspection',
      'refreshActiveSheet',
      'refreshMaterials',
      'refreshMaterialsPlan',
      'refreshMaterialsPlanFromMenu',
      'refreshOrder',
      'resolveConflicts',
      'saveSettings',
      'selectCell',
      'showBatchCells',
      'showSettings',
      'showSidebar',
      'splitOrder',
      'startBatch',
      'transitionOrder',
      'updateMilestone',
    ]);
    const code = read('Code.js');
    expect(code).not.toMatch(/\brequire\(|\bprocess\.|\bimport\s*\(|^import |^export /m);
    // It runs as a classic script (Apps Script is not a module system).
    expect(() => new vm.Script(code)).not.toThrow();
  });

  it('asks for the narrowest scopes and allowlists the one API', () => {
    const manifest = JSON.parse(read('appsscript.json'));
    expect(manifest.runtimeVersion).toBe('V8');
    expect([...manifest.oauthScopes].sort()).toEqual([
      'https://www.googleapis.com/auth/script.container.ui',
      'https://www.googleapis.com/auth/script.external_request',
      'https://www.googleapis.com/auth/spreadsheets.currentonly',
      'https://www.googleapis.com/auth/userinfo.email',
      'openid',
    ]);
    expect(manifest.urlFetchWhitelist).toEqual(['https://api.example.com/']);
    expect(allowlistPrefix('https://abc.execute-api.eu-west-1.amazonaws.com/prod')).toBe(
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/',
    );
    expect(() => allowlistPrefix('http://api.example.com')).toThrow(/https/);
  });

  it('makes the sidebar and the settings dialog one HTML file each, linking only Google’s add-on CSS', () => {
    for (const f of ['Sidebar.html', 'Settings.html']) {
      const html = read(f);
      // One file each: the script and our style inlined; the only outside resource is Google's own
      // add-on CSS package, linked as Google asks of Editor add-ons.
      expect(html).not.toMatch(/<script[^>]+src=|INJECT:/i);
      expect(html.match(/<link[^>]*>/gi)).toEqual([`<link rel="stylesheet" href="${GOOGLE_ADDON_CSS}">`]);
      expect(html.match(/<\/script/gi)?.length).toBe(1);
      expect(html).toContain('google');
    }
    expect(read('Sidebar.html')).toContain('id="push"');
  });

  it('builds the add-on menu on open, shows the sidebar and settings, and refuses an API outside the allowlist', () => {
    const gas = fakeGas({ token: 't', email: 'ana@example.com', distDir: dir });
    const addon = loadBundle(dir, gas);
    addon.onOpen({ authMode: 'NONE' });
    expect(gas.ui.menus[0].items).toEqual([
      { caption: 'Open sidebar', fn: 'showSidebar' },
      { caption: 'Push changes (this sheet)', fn: 'pushActiveSheet' },
      { caption: 'Refresh (this sheet)', fn: 'refreshActiveSheet' },
      { caption: 'Refresh materials plan', fn: 'refreshMaterialsPlanFromMenu' },
      { caption: 'Settings', fn: 'showSettings' },
    ]);
    expect(gas.ui.menus[0].added).toBe(true);
    addon.showSidebar();
    expect(gas.ui.sidebars[0]).toMatchObject({ file: 'Sidebar', title: 'GarmentFlow Production' });
    addon.showSettings();
    expect(gas.ui.dialogs[0].title).toBe('GarmentFlow settings');
    expect(addon.getSettings()).toEqual({
      ok: true,
      data: {
        apiUrl: 'https://api.example.com',
        allowedPrefixes: ['https://api.example.com/'],
        email: 'ana@example.com',
      },
    });
    expect(addon.saveSettings('https://evil.example.net')).toMatchObject({
      ok: false,
      code: 'BAD_API_URL',
      message: expect.stringContaining('https://api.example.com/'),
    });
    expect(addon.saveSettings('not a url')).toMatchObject({ ok: false, code: 'BAD_API_URL' });
    expect(gas.fetcher.requests).toEqual([]);
  });

  it('tells the planner to set the API URL when none is known', async () => {
    const plain = mkdtempSync(path.join(os.tmpdir(), 'gf-addon-build-'));
    try {
      await buildAddon({ outDir: plain, apiUrl: '' });
      expect(JSON.parse(readFileSync(path.join(plain, 'appsscript.json'), 'utf8')).urlFetchWhitelist).toBeUndefined();
      const addon = loadBundle(plain, fakeGas({ token: 't', email: 'a@b.c' }));
      expect(addon.listOrders({})).toMatchObject({
        ok: false,
        code: 'NO_API_URL',
        message: expect.stringContaining('Settings'),
      });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
