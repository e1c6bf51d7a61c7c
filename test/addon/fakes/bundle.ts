// Loads the built dist/Code.js into a Node vm context whose globals are the fakes, as Apps Script
// would: the script's top-level functions become callable by name.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import type { ServerApi } from '../../../addon/src/protocol.js';
import type { FakeGas } from './services.js';

export type AddonGlobals = ServerApi & {
  onOpen(e?: unknown): void;
  onInstall(e?: unknown): void;
  /** The simple trigger: `e.range` is the edited range (a fake one, passed as is). */
  onEdit(e: { range: unknown; [k: string]: unknown }): void;
  pushActiveSheet(): void;
  refreshActiveSheet(): void;
  showSidebar(): void;
  showSettings(): void;
};

const TRIGGERS = new Set(['onEdit']);

export function loadBundle(distDir: string, gas: FakeGas): AddonGlobals {
  const code = readFileSync(path.join(distDir, 'Code.js'), 'utf8');
  const context = vm.createContext({
    console,
    SpreadsheetApp: gas.SpreadsheetApp,
    UrlFetchApp: gas.UrlFetchApp,
    PropertiesService: gas.PropertiesService,
    LockService: gas.LockService,
    ScriptApp: gas.ScriptApp,
    HtmlService: gas.HtmlService,
    CacheService: gas.CacheService,
    Session: gas.Session,
    Utilities: gas.Utilities,
  });
  vm.runInContext(code, context, { filename: 'Code.js' });
  // Answers cross the realm boundary as plain data (as google.script.run serializes them).
  return new Proxy({} as AddonGlobals, {
    get(_t, name: string) {
      const fn = (context as Record<string, unknown>)[name];
      if (typeof fn !== 'function') throw new Error(`Code.js declares no global function ${name}`);
      return (...args: unknown[]) => {
        // A trigger's event holds live objects (e.range); what the sidebar sends is plain data.
        const given = TRIGGERS.has(name) ? args : JSON.parse(JSON.stringify(args));
        const out = (fn as (...a: unknown[]) => unknown)(...given);
        return out === undefined ? undefined : JSON.parse(JSON.stringify(out));
      };
    },
  });
}

/** The names of the script's global functions (what Apps Script would list). */
export function globalFunctionNames(distDir: string): string[] {
  const code = readFileSync(path.join(distDir, 'Code.js'), 'utf8');
  return [...code.matchAll(/^function (\w+)\(/gm)].map((m) => m[1]).sort();
}
