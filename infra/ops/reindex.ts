// npm run reindex -- --table garmentflow-production [--dry-run] [--endpoint http://localhost:8000]
//
// The one-off migration of issue 17: items written before the index shards (byType under `type`,
// byState under "PO#Draft") get the keys the code writes now (`typeKey` "ProductionOrder#<shard>",
// `stateKey` "PO#Draft#<shard>"); run it again after changing a count in functions/store/shards.ts.
// Until it runs, older items are missing from lists (reads by id are unaffected); writes through the
// API move the items they touch by themselves. Idempotent: a second run moves nothing. One paginated
// Scan of the table (the deployer's credentials: no function is granted Scan) and one conditional
// UpdateItem per item moved (on its version: an item changed meanwhile already has the new keys).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDocumentClient } from '../../functions/store/db.js';
import { reindexTable } from '../../functions/store/reindex.js';

export const usage = `usage: npm run reindex -- [--table name] [--dry-run] [--endpoint url] [--verbose]

Moves items to the sharded index keys (byType typeKey, byState stateKey) the code writes now.

  --table name    the table (default: TABLE_NAME; the stack output TableName)
  --dry-run       count (and with --verbose list) what would move, write nothing
  --endpoint url  a DynamoDB endpoint other than AWS's (DynamoDB Local: http://localhost:8000)
  --verbose       one line per item moved
  -h, --help      this help`;

async function main(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        table: { type: 'string' },
        'dry-run': { type: 'boolean' },
        endpoint: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.error(usage);
      return 0;
    }
    const table = values.table ?? process.env.TABLE_NAME;
    if (!table) throw new Error(`--table is required (or TABLE_NAME)\n${usage}`);
    const doc = createDocumentClient(values.endpoint ?? process.env.DYNAMODB_ENDPOINT);
    const result = await reindexTable(doc, table, {
      dryRun: values['dry-run'],
      log: values.verbose ? (line) => console.log(line) : undefined,
    });
    console.error(JSON.stringify({ table, dryRun: Boolean(values['dry-run']), ...result }));
    return 0;
  } catch (err) {
    console.error(`reindex failed: ${(err as Error).message}`);
    return (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
