// npm start: the product on this machine. Same handlers as Lambda, DynamoDB Local underneath.
import { LocalStackError, startLocalStack } from './stack.js';

const dataDir = process.env.DATA_DIR || '.data';
const port = Number(process.env.PORT || 3000);
const dynamoPort = Number(process.env.DYNAMODB_PORT || 8000);

async function main() {
  console.error(`Starting GarmentFlow Production (data: ${dataDir === ':memory:' ? 'in memory, nothing kept' : dataDir})...`);
  const stack = await startLocalStack({ dataDir, port, dynamoPort });
  const url = stack.url;
  console.error(
    [
      `  DynamoDB Local  ${stack.dynamoEndpoint} (table ${stack.tableName}${stack.tableCreated ? ', created' : ', existing data kept'})`,
      `  API             ${url}/v1   (OpenAPI: ${url}/v1/openapi.json)`,
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
