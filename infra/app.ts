// CDK app entry (cdk.json: "app": "npx tsx infra/app.ts").
//   npm run synth -- -c stage=prod
//   npm run deploy -- -c stage=prod -c googleClientId=... -c allowedGoogleDomains=example.com
// cdk-nag's AwsSolutions and Serverless packs check every synth: an unacknowledged finding stops it
// (acknowledgments, each with its reason, are in infra/stack.ts).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { createStack } from './stack.js';

const app = new App();
createStack(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
