// Starts bench/lib/stackChild.ts (DynamoDB Local in memory on its own free port + the API) and
// gives the benchmark what it needs: the API, tokens, and a store of its own on the same table.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './paths.js';
import { loadKeys, mintToken, type LocalKeys } from '../../infra/local/auth.js';
import { createDocumentClient, Db } from '../../functions/store/db.js';
import { Store } from '../../functions/store/store.js';
import { currentUsage } from '../../functions/store/metrics.js';
import { countSequentialRoundTrips } from './sequential.js';
import { Api } from './http.js';

export { ROOT };

export interface BenchStack {
  url: string;
  dynamoEndpoint: string;
  tableName: string;
  /** The local signing key (the local gateway verifies tokens with it). */
  keyFile: string;
  api: Api;
  /** The same Store code the handlers use, on its own SDK client (with the round-trip counter). */
  store: Store;
  tokens: Record<'admin' | 'planner' | 'commercial' | 'viewer' | 'system' | 'logistics', string>;
  /** Paths of the OpenAPI document the running API serves ("POST /v1/..."). */
  routes: Set<string>;
  stop(): Promise<void>;
}

export async function startBenchStack(maxSockets: number): Promise<BenchStack> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const child: ChildProcess = spawn(tsx, [path.join(ROOT, 'bench', 'lib', 'stackChild.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'ERROR' },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<{ url: string; dynamoEndpoint: string; tableName: string; keyFile: string }>(
    (resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`the local stack did not start within 120 s:\n${stderr.slice(-3000)}`)),
        120_000,
      );
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(out.slice(0, nl)));
          } catch (err) {
            reject(err);
          }
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the local stack exited (code ${code}) before it was ready:\n${stderr.slice(-3000)}`));
      });
    },
  );
  // Later errors of the stack (a 5xx's log line) go to our stderr, so they are not lost.
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[stack] ${d.toString()}`));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const stopOnExit = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stopOnExit);

  try {
    const keys: LocalKeys = await loadKeys(info.keyFile);
    const mint = (email: string, role: string) => mintToken(keys, { email, roles: [role] });
    const tokens = {
      admin: await mint('admin@bench.example', 'admin'),
      planner: await mint('ana@bench.example', 'planner'),
      // Also an approver: the bench's tech packs are walked to ProductionReady with this token.
      commercial: await mintToken(keys, { email: 'carla@bench.example', roles: ['commercial', 'approver'] }),
      viewer: await mint('vic@bench.example', 'viewer'),
      system: await mint('erp@bench.example', 'system'),
      logistics: await mint('lou@bench.example', 'logistics'),
    };
    const api = new Api(info.url, maxSockets);
    const spec = await api.ok('GET', '/v1/openapi.json');
    const routes = new Set<string>();
    for (const [p, ops] of Object.entries((spec.body?.paths ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops))
        if (['get', 'post', 'put', 'patch', 'delete'].includes(m)) routes.add(`${m.toUpperCase()} ${p}`);
    }
    const doc = createDocumentClient(info.dynamoEndpoint);
    countSequentialRoundTrips(doc as never, currentUsage);
    const store = new Store(new Db(doc, info.tableName));
    return {
      ...info,
      api,
      store,
      tokens,
      routes,
      stop: async () => {
        api.close();
        store.db.doc.destroy();
        process.removeListener('exit', stopOnExit);
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
