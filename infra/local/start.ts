// npm start: the product on this machine. Same handlers as Lambda, DynamoDB Local underneath.
import { LocalStackError, parseReplenishmentInterval, startLocalStack } from './stack.js';

const dataDir = process.env.DATA_DIR || '.data';
const port = Number(process.env.PORT || 3000);
const dynamoPort = Number(process.env.DYNAMODB_PORT || 8000);

async function main() {
  console.error(`Starting GarmentFlow Production (data: ${dataDir === ':memory:' ? 'in memory, nothing kept' : dataDir})...`);
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
    console.error('stopped; data kept' + (dataDir === ':memory:' ? ' nowhere (in memory)' : ` in ${dataDir}`));
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
