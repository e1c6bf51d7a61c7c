// `npm start` as a newcomer meets it: ready line, Ctrl-C, data kept across restarts, and clear
// words when Java is missing or a port is taken.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, portIsFree } from '../../infra/local/dynamo.js';

const root = path.join(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(prefix: string) {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(tsx, ['infra/local/start.ts'], {
    cwd: root,
    env: { ...process.env, REPLENISHMENT_INTERVAL_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => out, exited };
}

async function ready(s: Started, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /^ready (http:\/\/localhost:\d+)$/m.exec(s.output());
    if (m) return m[1];
    if (s.child.exitCode !== null) throw new Error(`exited early:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ready line:\n${s.output()}`);
}

describe('npm start', () => {
  it('prints ready, stops cleanly on Ctrl-C (DynamoDB Local too), and keeps the data for the next start', async () => {
    const dataDir = tempDir('gf-start-');
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()) };
    const first = start(env);
    const url = await ready(first);
    expect(first.output()).toContain('DynamoDB Local');
    const health = await fetch(`${url}/v1/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    // Data written through the API, by a token minted with the key kept in DATA_DIR.
    const { loadOrCreateKeys, mintToken } = await import('../../infra/local/auth.js');
    const token = await mintToken(await loadOrCreateKeys(dataDir), { email: 'ana@example.com', roles: ['commercial'] });
    const created = await fetch(`${url}/v1/tech-packs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ styleCode: 'KEEP-1', name: 'Kept', sizes: ['M'], colors: [{ code: 'RED', name: 'Red' }] }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(await portIsFree(Number(env.DYNAMODB_PORT))).toBe(true);
    expect(await portIsFree(Number(env.PORT))).toBe(true);

    const second = start(env);
    const url2 = await ready(second);
    expect(second.output()).toContain('existing data kept');
    const again = await fetch(`${url2}/v1/tech-packs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    expect((await again.json()).styleCode).toBe('KEEP-1');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('says how to get Java when it is missing', async () => {
    // A PATH with node (for tsx) and nothing else.
    const bin = tempDir('gf-nojava-');
    mkdirSync(path.join(bin, 'bin'));
    symlinkSync(process.execPath, path.join(bin, 'bin', 'node'));
    const s = start({
      PATH: path.join(bin, 'bin'),
      DATA_DIR: ':memory:',
      PORT: String(await freePort()),
      DYNAMODB_PORT: String(await freePort()),
    });
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain('Java was not found');
    expect(s.output()).toContain('apt-get install -y openjdk-17-jre-headless');
  });

  it('says which port is taken and how to pick another', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const s = start({ DATA_DIR: ':memory:', PORT: String(await freePort()), DYNAMODB_PORT: String(port) });
      expect(await s.exited).toBe(1);
      expect(s.output()).toContain(`Port ${port} is taken`);
      expect(s.output()).toContain('DYNAMODB_PORT=');
    } finally {
      blocker.close();
    }
  });
});
