// Fakes of the Apps Script services the add-on uses. UrlFetchApp is real HTTP, made synchronous
// (as Apps Script's is) by syncHttp.ts.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  GasServices,
  GCache,
  GFetchParams,
  GHttpResponse,
  GLock,
  GProperties,
  GUrlFetchApp,
} from '../../../addon/src/gas.js';
import { FakeHtmlOutput, FakeSpreadsheet, FakeUi, fakeSpreadsheetApp } from './spreadsheet.js';
import { syncFetch } from './syncHttp.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

class FakeHttpResponse implements GHttpResponse {
  constructor(
    private readonly status: number,
    private readonly headers: Record<string, string>,
    private readonly body: string,
  ) {}

  getResponseCode(): number {
    return this.status;
  }

  getContentText(): string {
    return this.body;
  }

  getAllHeaders(): object {
    return this.headers;
  }
}

export class FakeUrlFetchApp implements GUrlFetchApp {
  requests: RecordedRequest[] = [];
  /** fetch and fetchAll calls (one fetchAll of three requests is one call). */
  calls = 0;

  private run(params: (GFetchParams & { url: string })[]): GHttpResponse[] {
    this.calls++;
    const reqs = params.map((p) => {
      const r: RecordedRequest = {
        method: (p.method ?? 'get').toUpperCase(),
        url: p.url,
        headers: { ...(p.headers ?? {}) },
      };
      if (p.payload !== undefined) {
        r.body = p.payload;
        r.headers['content-type'] = p.contentType ?? 'application/x-www-form-urlencoded';
      }
      if (p.muteHttpExceptions !== true) throw new Error('the add-on must set muteHttpExceptions to read error bodies');
      this.requests.push(r);
      return r;
    });
    return syncFetch(reqs).map((a) => {
      if ('error' in a) throw new Error(`Address unavailable: ${a.error}`);
      return new FakeHttpResponse(a.status, a.headers, a.body);
    });
  }

  fetch(url: string, params: GFetchParams): GHttpResponse {
    return this.run([{ ...params, url }])[0];
  }

  fetchAll(requests: (GFetchParams & { url: string })[]): GHttpResponse[] {
    return this.run(requests);
  }
}

export class FakeProperties implements GProperties {
  map = new Map<string, string>();

  getProperty(key: string): string | null {
    return this.map.get(key) ?? null;
  }

  setProperty(key: string, value: string): GProperties {
    if (value.length > 9 * 1024) throw new Error('Argument too large: value');
    this.map.set(key, value);
    return this;
  }

  deleteProperty(key: string): GProperties {
    this.map.delete(key);
    return this;
  }
}

export class FakeLock implements GLock {
  held = false;
  acquired = 0;

  tryLock(): boolean {
    if (this.held) return false;
    this.held = true;
    this.acquired++;
    return true;
  }

  releaseLock(): void {
    this.held = false;
  }
}

export class FakeCache implements GCache {
  map = new Map<string, string>();

  get(key: string): string | null {
    return this.map.get(key) ?? null;
  }

  put(key: string, value: string): void {
    this.map.set(key, value);
  }

  remove(key: string): void {
    this.map.delete(key);
  }
}

/** Utilities.formatDate for the patterns the add-on uses (yyyy, MM, dd, HH, mm, ss), by Intl. */
export function formatDate(date: Date, timeZone: string, format: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const map: Record<string, string> = {
    yyyy: parts.year,
    MM: parts.month,
    dd: parts.day,
    HH: parts.hour,
    mm: parts.minute,
    ss: parts.second,
  };
  return format.replace(/yyyy|MM|dd|HH|mm|ss/g, (k) => map[k]);
}

export interface FakeGas extends GasServices {
  book: FakeSpreadsheet;
  ui: FakeUi;
  fetcher: FakeUrlFetchApp;
  documentProperties: FakeProperties;
  scriptProperties: FakeProperties;
  lock: FakeLock;
  /** The identity token ScriptApp hands out; tests switch users by setting it. */
  identity: { token: string; email: string };
}

/** The fakes, wired together; `distDir` is where HtmlService finds Sidebar.html and Settings.html. */
export function fakeGas(opts: { token: string; email: string; distDir?: string }): FakeGas {
  const book = new FakeSpreadsheet();
  const ui = new FakeUi();
  const fetcher = new FakeUrlFetchApp();
  const documentProperties = new FakeProperties();
  const scriptProperties = new FakeProperties();
  const lock = new FakeLock();
  const cache = new FakeCache();
  const identity = { token: opts.token, email: opts.email };
  return {
    book,
    ui,
    fetcher,
    documentProperties,
    scriptProperties,
    lock,
    identity,
    SpreadsheetApp: fakeSpreadsheetApp(book, ui),
    UrlFetchApp: fetcher,
    PropertiesService: { getDocumentProperties: () => documentProperties, getScriptProperties: () => scriptProperties },
    LockService: { getDocumentLock: () => lock },
    ScriptApp: { getIdentityToken: () => identity.token },
    HtmlService: {
      createHtmlOutputFromFile: (name: string) => {
        if (!opts.distDir) throw new Error('no dist dir given to the fake HtmlService');
        return new FakeHtmlOutput(name, readFileSync(path.join(opts.distDir, `${name}.html`), 'utf8'));
      },
    },
    CacheService: { getUserCache: () => cache },
    Session: { getActiveUser: () => ({ getEmail: () => identity.email }) },
    Utilities: { getUuid: () => randomUUID(), formatDate },
  };
}

/**
 * A test's own API call, made like the fake UrlFetchApp's. The add-on's synchronous calls block
 * the test's event loop for a while; a pooled keep-alive socket of the test's own fetch may be
 * closed by the server meanwhile, so tests here go through the sync worker instead.
 */
export function callApi(
  baseUrl: string,
  method: string,
  apiPath: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): { status: number; headers: Record<string, string>; body: any } {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const req = {
    url: baseUrl + apiPath,
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  };
  const [a] = syncFetch([req]);
  if ('error' in a) throw new Error(a.error);
  let body: unknown = a.body;
  try {
    body = a.body ? JSON.parse(a.body) : undefined;
  } catch {
    // not JSON
  }
  return { status: a.status, headers: a.headers, body };
}
