// The AWS stack, proven offline: synth of every stage (with CDK's template validation as errors)
// and assertions on the synthesized templates.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_SPECS } from '../../functions/http/routes.js';
import { STAGE_CONFIG, STAGES } from '../../infra/config.js';
import { INDEXES, MAX_PROJECTED_ATTRIBUTES, projectionOf } from '../../functions/store/tableDefinition.js';
import { DENIAL_REASONS } from '../../functions/auth/denialReasons.js';
import { idsOf, synthStage, type Synth } from './synth.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const LOG_WRITE = ['logs:CreateLogStream', 'logs:PutLogEvents'];

// What each function may do, written out by hand (not derived from the stack's own constants).
const EXPECTED_ACTIONS: Record<'api' | 'replenishment' | 'publisher' | 'authorizer', string[]> = {
  api: [
    ...LOG_WRITE,
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DeleteItem',
  ],
  replenishment: [
    ...LOG_WRITE,
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DeleteItem',
    // Its on-failure destination (failed asynchronous runs).
    'sqs:SendMessage',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
  ],
  publisher: [
    ...LOG_WRITE,
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
    'events:PutEvents',
    'sqs:SendMessage',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
  ],
  authorizer: [...LOG_WRITE],
};

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

function logicalId(s: Synth, construct: { node: { defaultChild?: unknown } }): string {
  return s.stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** Every statement of every policy attached to a role, and its managed policies. */
function roleStatements(s: Synth, roleId: string): { statements: Statement[]; managed: unknown[] } {
  const role = s.json.Resources[roleId];
  const statements: Statement[] = [];
  for (const p of role.Properties.Policies ?? []) statements.push(...p.PolicyDocument.Statement);
  for (const r of Object.values(s.json.Resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    if ((r.Properties.Roles ?? []).some((ref: { Ref?: string }) => ref.Ref === roleId))
      statements.push(...r.Properties.PolicyDocument.Statement);
  }
  return { statements, managed: role.Properties.ManagedPolicyArns ?? [] };
}

function functionRoleId(s: Synth, fnId: string): string {
  const role = s.json.Resources[fnId].Properties.Role;
  expect(role['Fn::GetAtt']?.[1]).toBe('Arn');
  return role['Fn::GetAtt'][0];
}

describe.each(STAGES)('stack %s', (stage) => {
  let s: Synth;
  beforeAll(() => {
    // prod needs someone to receive its alarms (infra/config.ts refuses it without).
    s = synthStage(stage, stage === 'prod' ? { alarmEmail: 'ops@example.com' } : {});
  });
  afterAll(() => s?.dispose());

  describe('synth', () => {
    it('synthesizes with CDK validation and cdk-nag (AwsSolutions, Serverless): no unacknowledged finding', () => {
      const report = JSON.parse(readFileSync(path.join(s.outdir, 'validation-report.json'), 'utf8'));
      const cfnFindings = (report.pluginReports ?? [])
        .filter((r: { pluginName: string }) => r.pluginName !== 'Construct Annotations')
        .flatMap((r: { violations?: unknown[] }) => r.violations ?? []);
      expect(cfnFindings).toEqual([]);
      for (const r of report.pluginReports ?? []) expect(r.conclusion).toBe('success');
      // Every acknowledgment says why (infra/stack.ts acknowledgeNagFindings).
      const acks = s.stack.node
        .findAll()
        .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'));
      expect(acks.length).toBeGreaterThan(10);
      for (const m of acks) {
        for (const a of Object.values(m.data as Record<string, { reason?: string } | string>)) {
          const reason = typeof a === 'string' ? a : a.reason;
          expect(String(reason).length).toBeGreaterThan(20);
        }
      }
    });

    it('bundles every function as a minified ESM file with a source map and the require shim', () => {
      const fnIds = idsOf(s, 'AWS::Lambda::Function');
      expect(fnIds).toHaveLength(4);
      const assetDirs = readdirSync(s.outdir).filter(
        (d) => d.startsWith('asset.') && existsSync(path.join(s.outdir, d, 'index.mjs')),
      );
      expect(assetDirs).toHaveLength(4);
      for (const d of assetDirs) {
        expect(existsSync(path.join(s.outdir, d, 'index.mjs.map'))).toBe(true);
        const code = readFileSync(path.join(s.outdir, d, 'index.mjs'), 'utf8');
        expect(code.startsWith('import { createRequire as __gfCreateRequire }')).toBe(true);
      }
    });

    if (stage === 'dev') {
      it('the bundles load as ES modules in Node and answer (health, empty stream batch, missing token)', () => {
        const dir = (fn: { node: { defaultChild?: unknown } }) => {
          const key = s.json.Resources[logicalId(s, fn)].Properties.Code.S3Key as string;
          return path.join(s.outdir, `asset.${key.replace(/\.zip$/, '')}`);
        };
        const script = `
          const [api, publisher, authorizer] = process.argv.slice(1);
          const load = (d) => import(new URL('file://' + d + '/index.mjs').href);
          const out = {};
          const health = { version: '2.0', routeKey: 'GET /v1/health', rawPath: '/v1/health', rawQueryString: '', headers: {},
            requestContext: { http: { method: 'GET', path: '/v1/health' }, requestId: 'r1' }, isBase64Encoded: false };
          out.api = await (await load(api)).handler(health, { awsRequestId: 'r1', getRemainingTimeInMillis: () => 1000 });
          out.publisher = await (await load(publisher)).handler({ Records: [] });
          out.authorizer = await (await load(authorizer)).handler({ identitySource: [], routeKey: 'GET /v1/settings', headers: {} });
          process.stdout.write('RESULT ' + JSON.stringify(out));
        `;
        const stdout = execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            script,
            dir(s.stack.functions.api),
            dir(s.stack.functions.publisher),
            dir(s.stack.functions.authorizer),
          ],
          {
            env: {
              PATH: process.env.PATH,
              TABLE_NAME: 'table',
              AWS_REGION: 'eu-west-1',
              EVENT_BUS_NAME: 'bus',
              AWS_ACCESS_KEY_ID: 'x',
              AWS_SECRET_ACCESS_KEY: 'x',
            },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          },
        );
        const out = JSON.parse(stdout.slice(stdout.indexOf('RESULT ') + 7));
        expect(out.api.statusCode).toBe(200);
        expect(JSON.parse(out.api.body)).toEqual({ status: 'ok' });
        expect(out.publisher).toEqual({ batchItemFailures: [] });
        expect(out.authorizer).toEqual({ isAuthorized: false, context: {} });
      });
    }
  });

  describe('table', () => {
    it('is the shared definition: keys, GSIs, on-demand, PITR, TTL, stream with both images', () => {
      s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
      s.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        GlobalSecondaryIndexes: INDEXES.map((ix) => ({
          IndexName: ix.name,
          KeySchema: [
            { AttributeName: ix.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: ix.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: projectionOf(ix),
        })),
      });
      const [tableId] = idsOf(s, 'AWS::DynamoDB::Table');
      const defs = s.json.Resources[tableId].Properties.AttributeDefinitions as {
        AttributeName: string;
        AttributeType: string;
      }[];
      expect(Object.fromEntries(defs.map((d) => [d.AttributeName, d.AttributeType]))).toEqual({
        pk: 'S',
        sk: 'S',
        stateKey: 'S',
        techPackKey: 'S',
        typeKey: 'S',
        seq: 'N',
        msShard: 'S',
        msDue: 'S',
        reqKey: 'S',
      });
    });

    it('no index projects every attribute: each copies its keys and the fields its readers need', () => {
      const [tableId] = idsOf(s, 'AWS::DynamoDB::Table');
      const indexes = s.json.Resources[tableId].Properties.GlobalSecondaryIndexes as {
        IndexName: string;
        Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
      }[];
      expect(indexes.map((ix) => ix.IndexName).sort()).toEqual(INDEXES.map((ix) => ix.name).sort());
      for (const ix of indexes) {
        expect(ix.Projection.ProjectionType, ix.IndexName).not.toBe('ALL');
        expect(['INCLUDE', 'KEYS_ONLY']).toContain(ix.Projection.ProjectionType);
        // The whole resources' big fields stay out of every index.
        for (const big of ['matrix', 'progress', 'bom', 'sizes', 'colors', 'notes', 'grid', 'gridZ', 'lines'])
          expect(ix.Projection.NonKeyAttributes ?? [], `${ix.IndexName} projects ${big}`).not.toContain(big);
      }
      // DynamoDB's limit on INCLUDE attributes, summed over every index of the table.
      const projected = indexes.reduce((n, ix) => n + (ix.Projection.NonKeyAttributes?.length ?? 0), 0);
      expect(projected).toBeLessThanOrEqual(MAX_PROJECTED_ATTRIBUTES);
    });

    if (stage === 'prod') {
      it('prod: deletion protection and retained on stack deletion', () => {
        s.template.hasResource('AWS::DynamoDB::Table', {
          Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
        });
        s.template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
        expect(s.stack.terminationProtection).toBe(true);
      });
    } else {
      it('dev: can be torn down (configurable)', () => {
        s.template.hasResource('AWS::DynamoDB::Table', {
          Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
          DeletionPolicy: 'Delete',
        });
      });
    }
  });

  describe('functions', () => {
    it('run Node.js 22 on arm64 with JSON logs into their own log group with retention', () => {
      for (const id of idsOf(s, 'AWS::Lambda::Function')) {
        const p = s.json.Resources[id].Properties;
        expect(p.Runtime, id).toBe('nodejs22.x');
        expect(p.Architectures, id).toEqual(['arm64']);
        expect(p.Handler, id).toBe('index.handler');
        expect(p.LoggingConfig.LogFormat, id).toBe('JSON');
        const logGroupId = p.LoggingConfig.LogGroup.Ref as string;
        expect(s.json.Resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
        expect(s.json.Resources[logGroupId].Properties.RetentionInDays).toBeGreaterThan(0);
        expect(p.Environment.Variables.NODE_OPTIONS).toContain('--enable-source-maps');
      }
    });

    it('api and authorizer get the env the code reads', () => {
      const api = s.json.Resources[logicalId(s, s.stack.functions.api)].Properties.Environment.Variables;
      expect(Object.keys(api)).toEqual(
        expect.arrayContaining(['TABLE_NAME', 'GOOGLE_CLIENT_ID', 'ALLOWED_GOOGLE_DOMAINS', 'ALLOWED_GOOGLE_EMAILS']),
      );
      expect(api.TABLE_NAME).toEqual({ Ref: idsOf(s, 'AWS::DynamoDB::Table')[0] });
      const auth = s.json.Resources[logicalId(s, s.stack.functions.authorizer)].Properties.Environment.Variables;
      expect(Object.keys(auth)).toEqual(
        expect.arrayContaining([
          'GOOGLE_CLIENT_ID',
          'ALLOWED_GOOGLE_DOMAINS',
          'ALLOWED_GOOGLE_EMAILS',
          'COGNITO_ISSUER',
          'COGNITO_CLIENT_IDS',
        ]),
      );
      expect(auth.ROLE_SCOPE_PREFIX).toBe('garmentflow/');
      const publisher = s.json.Resources[logicalId(s, s.stack.functions.publisher)].Properties.Environment.Variables;
      expect(publisher.EVENT_BUS_NAME).toEqual({ Ref: idsOf(s, 'AWS::Events::EventBus')[0] });
    });
  });

  describe('least privilege', () => {
    for (const name of ['api', 'replenishment', 'publisher', 'authorizer'] as const) {
      it(`${name}: its role allows exactly what the function uses`, () => {
        const fnId = logicalId(s, s.stack.functions[name]);
        const { statements, managed } = roleStatements(s, functionRoleId(s, fnId));
        expect(managed).toEqual([]);
        const actions = statements.flatMap((st) => asList(st.Action));
        expect(new Set(actions)).toEqual(new Set(EXPECTED_ACTIONS[name]));
        for (const st of statements) expect(st.Effect).toBe('Allow');
        for (const a of actions) {
          expect(a).not.toContain('*');
          expect(a).not.toMatch(/Scan$/);
        }
      });
    }

    it('no role in the stack has a wildcard action or Scan', () => {
      for (const [id, r] of Object.entries(s.json.Resources)) {
        if (r.Type !== 'AWS::IAM::Policy') continue;
        for (const st of r.Properties.PolicyDocument.Statement as Statement[]) {
          for (const a of asList(st.Action)) {
            expect(a, id).not.toContain('*');
            expect(a, id).not.toBe('dynamodb:Scan');
          }
        }
      }
    });

    it('table actions are scoped to the table and its indexes; PutEvents to the bus; only ListStreams on *', () => {
      const tableId = idsOf(s, 'AWS::DynamoDB::Table')[0];
      const busId = idsOf(s, 'AWS::Events::EventBus')[0];
      const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
      const indexArn = { 'Fn::Join': ['', [tableArn, '/index/*']] };
      for (const name of ['api', 'replenishment', 'publisher', 'authorizer'] as const) {
        const { statements } = roleStatements(s, functionRoleId(s, logicalId(s, s.stack.functions[name])));
        for (const st of statements) {
          const actions = asList(st.Action);
          const resources = asList(st.Resource);
          if (actions.every((a) => a === 'dynamodb:ListStreams')) {
            expect(resources).toEqual(['*']); // ListStreams has no resource-level permissions
            continue;
          }
          expect(resources, `${name} ${actions.join(',')}`).not.toContain('*');
          if (
            actions.some(
              (a) =>
                a.startsWith('dynamodb:') &&
                a !== 'dynamodb:DescribeStream' &&
                a !== 'dynamodb:GetRecords' &&
                a !== 'dynamodb:GetShardIterator',
            )
          ) {
            expect(resources).toEqual([tableArn, indexArn]);
          }
          if (actions.includes('dynamodb:GetRecords'))
            expect(resources).toEqual([{ 'Fn::GetAtt': [tableId, 'StreamArn'] }]);
          if (actions.includes('events:PutEvents')) expect(resources).toEqual([{ 'Fn::GetAtt': [busId, 'Arn'] }]);
        }
      }
    });
  });

  describe('HTTP API', () => {
    it('has one route per ROUTE_SPECS entry, all integrated with the one API function', () => {
      const routes = idsOf(s, 'AWS::ApiGatewayV2::Route').map((id) => s.json.Resources[id].Properties);
      expect(routes.map((r) => r.RouteKey).sort()).toEqual(ROUTE_SPECS.map((r) => `${r.method} ${r.path}`).sort());
      const integrations = idsOf(s, 'AWS::ApiGatewayV2::Integration');
      expect(integrations).toHaveLength(1);
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(s, s.stack.functions.api), 'Arn'] },
      });
      for (const r of routes)
        expect(r.Target).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: integrations[0] }]] });
    });

    it('every non-public route has the Lambda authorizer; health and openapi.json have none', () => {
      const [authorizerId] = idsOf(s, 'AWS::ApiGatewayV2::Authorizer');
      expect(authorizerId).toBeDefined();
      const byKey = new Map(
        idsOf(s, 'AWS::ApiGatewayV2::Route').map((id) => [
          s.json.Resources[id].Properties.RouteKey as string,
          s.json.Resources[id].Properties,
        ]),
      );
      const publicKeys: string[] = [];
      for (const spec of ROUTE_SPECS) {
        const route = byKey.get(`${spec.method} ${spec.path}`)!;
        if (spec.public) {
          publicKeys.push(`${spec.method} ${spec.path}`);
          expect(route.AuthorizationType, spec.path).toBe('NONE');
          expect(route.AuthorizerId, spec.path).toBeUndefined();
        } else {
          expect(route.AuthorizationType, `${spec.method} ${spec.path}`).toBe('CUSTOM');
          expect(route.AuthorizerId, `${spec.method} ${spec.path}`).toEqual({ Ref: authorizerId });
        }
      }
      expect(publicKeys.sort()).toEqual(['GET /v1/health', 'GET /v1/openapi.json']);
    });

    it('the authorizer is the Lambda REQUEST authorizer with simple responses on the Authorization header', () => {
      s.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerUri: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [logicalId(s, s.stack.functions.authorizer), 'Arn'] }])],
        }),
      });
    });

    it("no CORS (the add-on calls from Apps Script's servers), throttling on the stage, public routes lower", () => {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.absent(),
      });
      // No OPTIONS route either: a preflight would find nothing.
      const methods = Object.values(s.json.Resources)
        .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
        .map((r) => String(r.Properties.RouteKey).split(' ')[0]);
      expect(methods).not.toContain('OPTIONS');
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
        AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('\\$context\\.requestId') }),
      });
      const stage = Object.values(s.json.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
      expect(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
      expect(stage.Properties.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThanOrEqual(
        stage.Properties.DefaultRouteSettings.ThrottlingRateLimit,
      );
      const perRoute = stage.Properties.RouteSettings;
      expect(Object.keys(perRoute).sort()).toEqual(['GET /v1/health', 'GET /v1/openapi.json']);
      for (const limits of Object.values(perRoute) as { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }[]) {
        expect(limits.ThrottlingRateLimit).toBeGreaterThan(0);
        expect(limits.ThrottlingRateLimit).toBeLessThan(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit);
        expect(limits.ThrottlingBurstLimit).toBeLessThan(stage.Properties.DefaultRouteSettings.ThrottlingBurstLimit);
      }
    });

    it('reserves concurrency for every function, as the stage configures it', () => {
      for (const name of ['api', 'replenishment', 'publisher', 'authorizer'] as const) {
        const fn = s.json.Resources[logicalId(s, s.stack.functions[name])];
        const expected = STAGE_CONFIG[stage].functions[name].reservedConcurrency;
        expect(fn.Properties.ReservedConcurrentExecutions, name).toBe(expected);
      }
      const replenishment = s.json.Resources[logicalId(s, s.stack.functions.replenishment)];
      expect(replenishment.Properties.ReservedConcurrentExecutions).toBe(1);
    });
  });

  describe('Cognito (machine callers)', () => {
    it('has one scope per role and one client-credentials app client per system, no admin one', () => {
      s.template.hasResourceProperties(
        'AWS::Cognito::UserPool',
        Match.objectLike({ AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } }),
      );
      s.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
        Identifier: 'garmentflow',
        Scopes: ['admin', 'commercial', 'planner', 'approver', 'logistics', 'viewer', 'system'].map((r) =>
          Match.objectLike({ ScopeName: r }),
        ),
      });
      s.template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
      s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: 'erp',
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        GenerateSecret: true,
        AllowedOAuthScopes: [Match.objectLike({ 'Fn::Join': ['', [Match.anyValue(), '/system']] })],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      });
      // No standing secret mints admin tokens.
      expect(JSON.stringify(s.json.Resources)).not.toMatch(/"\/admin"/);
      s.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
      // The authorizer accepts exactly the pool's app clients.
      const clientRefs = idsOf(s, 'AWS::Cognito::UserPoolClient').map((id) => ({ Ref: id }));
      const env = s.json.Resources[logicalId(s, s.stack.functions.authorizer)].Properties.Environment.Variables;
      expect(env.COGNITO_CLIENT_IDS).toEqual(clientRefs[0]);
      expect(env.COGNITO_ISSUER['Fn::Join'][1]).toEqual(
        expect.arrayContaining([{ Ref: idsOf(s, 'AWS::Cognito::UserPool')[0] }]),
      );
    });
  });

  describe('events and schedule', () => {
    it('stream -> publisher mapping: DLQ, bisect, partial batch failures, retries, outbox inserts only', () => {
      const [dlqArn] = [{ 'Fn::GetAtt': [logicalId(s, s.stack.publisherDlq), 'Arn'] }];
      s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(s, s.stack.functions.publisher) },
        EventSourceArn: { 'Fn::GetAtt': [idsOf(s, 'AWS::DynamoDB::Table')[0], 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: Match.anyValue(),
        MaximumRecordAgeInSeconds: Match.anyValue(),
        DestinationConfig: { OnFailure: { Destination: dlqArn } },
      });
      const esm = Object.values(s.json.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!;
      expect(esm.Properties.MaximumRetryAttempts).toBeGreaterThan(0);
      const pattern = JSON.parse(esm.Properties.FilterCriteria.Filters[0].Pattern);
      expect(pattern).toEqual({
        eventName: ['INSERT'],
        dynamodb: { NewImage: { event: { M: { detailType: { S: [{ exists: true }] } } } } },
      });
      s.template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1209600,
      });
    });

    it('has the event bus', () => {
      s.template.hasResourceProperties('AWS::Events::EventBus', { Name: `garmentflow-${stage}` });
      s.template.resourceCountIs('AWS::Events::Archive', stage === 'prod' ? 1 : 0);
    });

    it('schedules the replenishment function with retries and a DLQ (enabled in prod, off in dev)', () => {
      s.template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: Match.stringLikeRegexp('^(rate|cron)\\('),
        State: stage === 'prod' ? 'ENABLED' : 'DISABLED',
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(s, s.stack.functions.replenishment), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(s, s.stack.scheduleDlq), 'Arn'] } },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
          Input: Match.serializedJson(
            Match.objectLike({ trigger: 'schedule', scheduledTime: '<aws.scheduler.scheduled-time>' }),
          ),
        }),
      });
      // A run that throws (after Lambda's own 2 retries) lands in the same queue: on-failure destination.
      s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(s, s.stack.functions.replenishment) },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(s, s.stack.scheduleDlq), 'Arn'] } } },
      });
    });
  });

  describe('alarms', () => {
    const topicRef = () => ({ Ref: logicalId(s, s.stack.alarmTopic) });
    const alarmsWhere = (pred: (p: any) => boolean) =>
      Object.values(s.json.Resources)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && pred(r.Properties))
        .map((r) => r.Properties);

    it('every alarm notifies the SNS topic', () => {
      const all = alarmsWhere(() => true);
      expect(all.length).toBeGreaterThanOrEqual(13);
      for (const a of all) expect(a.AlarmActions).toEqual([topicRef()]);
    });

    it('on API 5xx', () => {
      expect(alarmsWhere((p) => p.Namespace === 'AWS/ApiGateway' && p.MetricName === '5xx')).toHaveLength(1);
    });

    it('on errors and throttles of every function', () => {
      for (const name of ['api', 'replenishment', 'publisher', 'authorizer'] as const) {
        const fnRef = { Ref: logicalId(s, s.stack.functions[name]) };
        for (const metric of ['Errors', 'Throttles']) {
          const found = alarmsWhere(
            (p) =>
              p.Namespace === 'AWS/Lambda' &&
              p.MetricName === metric &&
              JSON.stringify(p.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: fnRef }]),
          );
          expect(found, `${name} ${metric}`).toHaveLength(1);
        }
      }
    });

    it('on DLQ depth (publisher and schedule)', () => {
      for (const q of [s.stack.publisherDlq, s.stack.scheduleDlq]) {
        const found = alarmsWhere(
          (p) =>
            p.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(p.Dimensions).includes(logicalId(s, q)),
        );
        expect(found).toHaveLength(1);
        expect(found[0].Threshold).toBe(1);
      }
    });

    it('on authorizer denials, one alarm per reason; an unusable key set at the first occurrence', () => {
      const denials = alarmsWhere((p) => p.Namespace === 'GarmentFlow' && p.MetricName === 'AuthorizerDenials');
      const reasons = denials.map((a) => a.Dimensions.find((d: { Name: string }) => d.Name === 'reason').Value);
      expect(reasons.sort()).toEqual([...DENIAL_REASONS].sort());
      for (const a of denials) {
        expect(a.Dimensions).toContainEqual({ Name: 'service', Value: 'garmentflow-authorizer' });
        expect(a.Statistic).toBe('Sum');
      }
      const keys = denials.find((a) => JSON.stringify(a.Dimensions).includes('keys-unavailable'));
      expect(keys.Threshold).toBe(1);
    });

    it('on replenishment errors and skipped styles, and on publisher failures', () => {
      const custom = (service: string, metric: string) =>
        alarmsWhere(
          (p) =>
            p.Namespace === 'GarmentFlow' &&
            p.MetricName === metric &&
            JSON.stringify(p.Dimensions) === JSON.stringify([{ Name: 'service', Value: service }]),
        );
      expect(custom('garmentflow-replenishment', 'ReplenishmentErrors')).toHaveLength(1);
      expect(custom('garmentflow-replenishment', 'ReplenishmentStylesSkipped')).toHaveLength(1);
      expect(custom('garmentflow-publisher', 'PublishFailures')).toHaveLength(1);
    });

    if (stage === 'prod') {
      it('prod: the alarm topic has its e-mail subscriber', () => {
        s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
      });
    }

    it('on DynamoDB throttling', () => {
      const found = alarmsWhere(
        (p) =>
          JSON.stringify(p.Metrics ?? []).includes('ReadThrottleEvents') &&
          JSON.stringify(p.Metrics).includes('WriteThrottleEvents'),
      );
      expect(found).toHaveLength(1);
    });
  });

  it('outputs the API URL, bus name, user pool id, client id and token URL', () => {
    const outputs = Object.keys(s.json.Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'EventBusName',
        'UserPoolId',
        'UserPoolClientIdErp',
        'TokenUrl',
        'TableName',
        'AlarmTopicArn',
      ]),
    );
  });
});

describe('context overrides', () => {
  let s: Synth;
  beforeAll(() => {
    s = synthStage('dev', {
      googleClientId: '1234-abc.apps.googleusercontent.com',
      allowedGoogleDomains: 'example.com, factory.example',
      allowedGoogleEmails: 'ana@gmail.com',
      alarmEmail: 'ops@example.com',
      replenishmentEnabled: 'true',
      replenishmentSchedule: 'rate(30 minutes)',
    });
  });
  afterAll(() => s?.dispose());

  it('reach the functions, the schedule and the alarm topic', () => {
    for (const name of ['api', 'authorizer'] as const) {
      const env = s.json.Resources[logicalId(s, s.stack.functions[name])].Properties.Environment.Variables;
      expect(env.GOOGLE_CLIENT_ID).toBe('1234-abc.apps.googleusercontent.com');
      expect(env.ALLOWED_GOOGLE_DOMAINS).toBe('example.com,factory.example');
      expect(env.ALLOWED_GOOGLE_EMAILS).toBe('ana@gmail.com');
    }
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(30 minutes)',
      State: 'ENABLED',
    });
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});
