// The add-on codes against its own narrow interfaces of the Apps Script services (addon/src/gas.ts).
// This proves the real ones, as @types/google-apps-script describes them, satisfy those interfaces:
// a tiny program is type-checked with the Apps Script types loaded (they stay out of the repo's
// own tsconfig, where they would leak globals into the Node code).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('the narrow Apps Script interfaces', () => {
  it('are satisfied by the real Apps Script types', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gf-gas-types-'));
    try {
      writeFileSync(
        path.join(dir, 'check.ts'),
        `/// <reference types="google-apps-script" />
import type * as G from ${JSON.stringify(path.join(root, 'addon/src/gas.js'))};
export const services: G.GasServices = {
  SpreadsheetApp, UrlFetchApp, PropertiesService, LockService, ScriptApp, HtmlService, CacheService, Session, Utilities,
};
declare const range: GoogleAppsScript.Spreadsheet.Range;
declare const sheet: GoogleAppsScript.Spreadsheet.Sheet;
declare const book: GoogleAppsScript.Spreadsheet.Spreadsheet;
declare const response: GoogleAppsScript.URL_Fetch.HTTPResponse;
export const r: G.GRange = range;
export const s: G.GSheet = sheet;
export const b: G.GSpreadsheet = book;
export const h: G.GHttpResponse = response;
`,
      );
      writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'ESNext',
            moduleResolution: 'Bundler',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            lib: ['ES2022'],
            types: ['google-apps-script'],
            typeRoots: [path.join(root, 'node_modules/@types')],
          },
          files: [path.join(dir, 'check.ts')],
        }),
      );
      let out = '';
      try {
        execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], {
          encoding: 'utf8',
        });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? e);
      }
      expect(out).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
