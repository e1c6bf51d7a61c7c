// Synchronous HTTP for the fakes, as Apps Script's UrlFetchApp is synchronous: a worker thread does
// the fetches while the calling thread sleeps in Atomics.wait, then takes the answer with
// receiveMessageOnPort. The worker's own event loop keeps running, so its connections stay sound.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export interface SyncRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export type SyncAnswer = { status: number; headers: Record<string, string>; body: string } | { error: string };

const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
port.on('message', async ({ id, requests }) => {
  const answers = await Promise.all(requests.map(async (r) => {
    try {
      const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, redirect: 'manual' });
      return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: await res.text() };
    } catch (e) {
      return { error: String(e && e.cause ? e.message + ': ' + (e.cause.message || e.cause) : e) };
    }
  }));
  port.postMessage({ id, answers });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

class SyncHttp {
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private next = 0;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { port: port2, flag: this.flag },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    this.port = port1;
  }

  run(requests: SyncRequest[], timeoutMs = 120_000): SyncAnswer[] {
    const id = ++this.next;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ id, requests });
    if (Atomics.wait(this.flag, 0, 0, timeoutMs) === 'timed-out')
      throw new Error(`HTTP timed out after ${timeoutMs} ms`);
    const got = receiveMessageOnPort(this.port)?.message as { id: number; answers: SyncAnswer[] } | undefined;
    if (!got || got.id !== id) throw new Error('sync HTTP lost its answer');
    return got.answers;
  }
}

let shared: SyncHttp | undefined;

/** Performs the requests (in parallel) and returns when all have answered. */
export function syncFetch(requests: SyncRequest[]): SyncAnswer[] {
  shared ??= new SyncHttp();
  return shared.run(requests);
}
