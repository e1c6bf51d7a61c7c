// The grants must cover what the code calls: DynamoDB Local never checks IAM, so a call the stack
// does not grant would only fail in AWS (AccessDenied). For each function, esbuild resolves the
// project files its entry point pulls in; those files are read for DynamoDB and EventBridge calls.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ENTRIES, PROJECT_ROOT, TABLE_ACTIONS } from '../../infra/stack.js';

type FunctionName = keyof typeof FUNCTION_ENTRIES;

/** Document-client and low-level commands -> the IAM action they need. */
const COMMAND_ACTIONS: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  GetItemCommand: 'dynamodb:GetItem',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  PutCommand: 'dynamodb:PutItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
  TransactGetCommand: 'dynamodb:GetItem',
  TransactGetItemsCommand: 'dynamodb:GetItem',
  ExecuteStatementCommand: 'dynamodb:PartiQLSelect',
};

/** Items of a TransactWriteItems request -> the IAM action each needs. */
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

async function sourcesOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
    outfile: 'out.mjs',
    absWorkingDir: PROJECT_ROOT,
  });
  return Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules'));
}

/** What some source code calls (comments stripped). Transaction items (`{ Put: {...} }`) count
 *  when the same code base sends TransactWriteItems: the store builds them, db.ts sends them. */
function actionsInCode(source: string): Set<string> {
  const used = new Set<string>();
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  for (const m of code.matchAll(/new\s+([A-Za-z]+Command)\s*\(/g)) {
    if (COMMAND_ACTIONS[m[1]]) used.add(COMMAND_ACTIONS[m[1]]);
    if (m[1] === 'PutEventsCommand') used.add('events:PutEvents');
  }
  if (/new\s+TransactWrite(Items)?Command\s*\(/.test(code)) {
    for (const m of code.matchAll(/\b(Put|Update|Delete|ConditionCheck)\s*:\s*\{/g))
      used.add(TRANSACT_ITEM_ACTIONS[m[1]]);
  }
  return used;
}

function usedActions(sources: string[]): Set<string> {
  return actionsInCode(sources.map((file) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8')).join('\n'));
}

const GRANTED: Record<FunctionName, readonly string[]> = {
  api: TABLE_ACTIONS.api,
  replenishment: TABLE_ACTIONS.replenishment,
  publisher: ['events:PutEvents'],
  authorizer: [],
};

describe('the grants cover what each function calls', () => {
  const used = {} as Record<FunctionName, Set<string>>;
  beforeAll(async () => {
    for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[])
      used[name] = usedActions(await sourcesOf(FUNCTION_ENTRIES[name]));
  });

  for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
    it(`${name}: every call it makes is granted (else add it to TABLE_ACTIONS in infra/stack.ts)`, () => {
      const missing = [...used[name]].filter((a) => !GRANTED[name].includes(a));
      expect(missing).toEqual([]);
    });
  }

  it('api: nothing is granted that the code does not call (least privilege)', () => {
    expect([...used.api].sort()).toEqual([...TABLE_ACTIONS.api].sort());
  });

  it('the publisher calls EventBridge; the authorizer calls no AWS API', () => {
    expect([...used.publisher]).toEqual(['events:PutEvents']);
    expect([...used.authorizer]).toEqual([]);
  });

  it('the detector finds commands and transaction items, not comments', () => {
    const code = `
      // new ScanCommand({})   (a comment)
      await doc.send(new QueryCommand({ TableName }));
      await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { Item } }, { Delete: { Key } }, { ConditionCheck: { Key } }] }));
      await eb.send(new PutEventsCommand({ Entries }));
    `;
    expect([...actionsInCode(code)].sort()).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'events:PutEvents',
    ]);
  });
});
