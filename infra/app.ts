// CDK app entry (cdk.json: "app": "npx tsx infra/app.ts").
//   npm run synth -- -c stage=prod
//   npm run deploy -- -c stage=prod -c googleClientId=... -c allowedGoogleDomains=example.com
import { App } from 'aws-cdk-lib';
import { createStack } from './stack.js';

const app = new App();
createStack(app);
app.synth();
