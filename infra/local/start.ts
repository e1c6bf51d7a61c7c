// npm start: the product on this machine. Same handlers as Lambda, DynamoDB Local underneath.
// Configured by environment variables (see --help); it takes no other arguments.
import { parseArgs } from 'node:util';
import { LocalStackError, parseReplenishmentInterval, startLocalStack } from './stack.js';

const USAGE = `usage: npm start

Starts DynamoDB Local and the API on this machine; prints "ready http://localhost:PORT". Ctrl-C stops both.
Environment:
  DATA_DIR                        data, signing key and events.ndjson (default .data; :memory: keeps nothing)
  PORT                            the API (default 3000)
  DYNAMODB_PORT                   DynamoDB Local (default 8000)
  REPLENISHMENT_INTERVAL_SECONDS  the local replenishment schedule (default 300; 0 or off: none)
  LOG_LEVEL                       DEBUG, INFO (default), WARN or ERROR
  POWERTOOLS_METRICS_DISABLED     false: print the EMF metric lines too (default: off locally)
Options:
  -h, --help                      this help`;

try {
  const { values } = parseArgs({
    strict: true,
    allowPositionals: false,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}

const dataDir = process.env.DATA_DIR || '.data';
const port = Number(process.env.PORT || 3000);
const dynamoPort = Number(process.env.DYNAMODB_PORT || 8000);

async function main() {
  console.error(
    `Starting GarmentFlow Production (data: ${dataDir === ':memory:' ? 'in memory, nothing kept' : dataDir})...`,
  );
  const replenishmentIntervalSeconds = parseReplenishmentInterval(process.env.REPLENISHMENT_INTERVAL_SECONDS);
  const stack = await startLocalStack({ dataDir, port, dynamoPort, replenishmentIntervalSeconds });
  const url = stack.url;
  console.error(
    [
      `  DynamoDB Local  ${stack.dynamoEndpoint} (table ${stack.tableName}${stack.tableCreated ? ', created' : ', existing data kept'})`,
      `  API             ${url}/v1   (OpenAPI: ${url}/v1/openapi.json)`,
      `  Events          ${stack.eventsFile ?? 'off'}   (one JSON line per change)`,
      `  Replenishment   ${
        stack.replenishmentIntervalSeconds > 0
          ? `every ${stack.replenishmentIntervalSeconds} s (REPLENISHMENT_INTERVAL_SECONDS=0 turns it off)`
          : 'schedule off (REPLENISHMENT_INTERVAL_SECONDS=0); POST /v1/replenishment/run still runs it'
      }`,
      `  Get a token     npm run token -- --email ana@example.com --role planner`,
      `  Try             curl ${url}/v1/health`,
      `  Stop            Ctrl-C`,
    ].join('\n'),
  );
  console.log(`ready ${url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping...`);
    await stack.stop();
    console.error(`stopped; data kept${dataDir === ':memory:' ? ' nowhere (in memory)' : ` in ${dataDir}`}`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof LocalStackError) console.error(`\nCannot start: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
