// A typed, promise-based google.script.run: `call('pushOrder', id)` is checked against ServerApi,
// the same interface addon/src/main.ts implements.
import type { Outcome, ServerApi } from '../src/protocol.js';

type Handler = (value: unknown) => void;

export interface ScriptRun {
  withSuccessHandler(fn: Handler): ScriptRun;
  withFailureHandler(fn: (error: unknown) => void): ScriptRun;
  [name: string]: unknown;
}

export interface GoogleScript {
  script: { run: ScriptRun; host: { close(): void } };
}

export type DataOf<K extends keyof ServerApi> = ReturnType<ServerApi[K]> extends Outcome<infer T> ? T : never;

export interface Answer<T> {
  data: T;
  notice?: string;
}

/** A refusal (ok: false) or a failure of the call itself, with a message fit for the planner. */
export class ServerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

function google(): GoogleScript {
  const g = (globalThis as { google?: GoogleScript }).google;
  if (!g?.script?.run) throw new ServerError('NO_APPS_SCRIPT', 'This page only works inside Google Sheets.');
  return g;
}

export function call<K extends keyof ServerApi>(
  name: K,
  ...args: Parameters<ServerApi[K]>
): Promise<Answer<DataOf<K>>> {
  return new Promise((resolve, reject) => {
    const runner = google()
      .script.run.withSuccessHandler((value) => {
        const out = value as Outcome<DataOf<K>> | null | undefined;
        if (!out || typeof out !== 'object' || !('ok' in out)) {
          reject(new ServerError('BAD_ANSWER', `The add-on answered ${name} with something unexpected.`));
        } else if (out.ok) {
          resolve(out.notice ? { data: out.data, notice: out.notice } : { data: out.data });
        } else {
          reject(new ServerError(out.code, out.message, out.details));
        }
      })
      .withFailureHandler((error) => {
        const message = error instanceof Error ? error.message : String(error);
        reject(new ServerError('SCRIPT_FAILED', `The add-on failed: ${message}`));
      });
    const fn = runner[name] as (...a: unknown[]) => void;
    fn.apply(runner, args);
  });
}

export function closeDialog(): void {
  google().script.host.close();
}
