// The AWS stack: one table, the HTTP API (one Lambda behind every route, a Lambda authorizer in
// front of every non-public one), the scheduled replenishment job, the outbox publisher
// (table stream -> EventBridge) with its dead-letter queue, Cognito for machine callers, alarms.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Annotations,
  type App,
  Aws,
  CfnOutput,
  type CfnResource,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Tags,
  TimeZone,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DENIAL_REASONS } from '../functions/auth/denialReasons.js';
import { ROUTE_SPECS } from '../functions/http/routes.js';
import { METRIC_NAMES, METRICS_NAMESPACE, SERVICES } from '../functions/log.js';
import { INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../functions/store/tableDefinition.js';
import { loadConfig, ROLES, type FunctionSizing, type StageConfig } from './config.js';

/** Repository root (this file lives in infra/). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Cognito resource server identifier: scopes are `garmentflow/<role>`. */
export const RESOURCE_SERVER_ID = 'garmentflow';

/**
 * DynamoDB actions per function: exactly the calls each one makes (functions/store/). Transactions
 * need no action of their own: TransactWriteItems is authorized per item (PutItem, UpdateItem,
 * DeleteItem, ConditionCheckItem). Nothing scans or deletes (idempotency records expire by TTL).
 * test/infra/iamUsage.test.ts reads each function's source graph and fails when the code calls
 * something not granted here (AWS would answer AccessDenied; DynamoDB Local never does).
 */
const STORE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:ConditionCheckItem',
  // A milestone leaving the byMilestone index (done list aside: its order closed) is deleted in the order's write.
  'dynamodb:DeleteItem',
] as const;

export const TABLE_ACTIONS = {
  api: STORE_ACTIONS,
  // The replenishment job writes orders through the same store.
  replenishment: STORE_ACTIONS,
} as const;

/** Entry point of each function, relative to the project root. */
export const FUNCTION_ENTRIES = {
  api: 'functions/api.ts',
  replenishment: 'functions/replenishment.ts',
  publisher: 'functions/publisher.ts',
  authorizer: 'functions/authorizer.ts',
} as const;

/**
 * Makes `require` exist in the ESM bundle: some bundled CommonJS code calls require() for Node
 * built-ins, which esbuild leaves as a dynamic require.
 */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __gfCreateRequire } from 'node:module'; const require = __gfCreateRequire(import.meta.url);";

export interface GarmentFlowStackProps extends StackProps {
  config: StageConfig;
}

export class GarmentFlowStack extends Stack {
  readonly table: dynamodb.Table;
  readonly bus: events.EventBus;
  readonly httpApi: HttpApi;
  readonly apiStage: HttpStage;
  readonly userPool: cognito.UserPool;
  readonly machineClients: Record<string, cognito.UserPoolClient> = {};
  readonly functions: {
    api: NodejsFunction;
    replenishment: NodejsFunction;
    publisher: NodejsFunction;
    authorizer: NodejsFunction;
  };
  readonly publisherDlq: sqs.Queue;
  readonly scheduleDlq: sqs.Queue;
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: GarmentFlowStackProps) {
    super(scope, id, props);
    const { config } = props;
    const dataRemoval = config.table.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    Tags.of(this).add('app', 'garmentflow-production');
    Tags.of(this).add('stage', config.stage);

    // ---- table (the one shared definition) -------------------------------------------------------
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.table.deletionProtection,
      removalPolicy: dataRemoval,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    for (const ix of INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: ix.name,
        partitionKey: { name: ix.partitionKey.name, type: attributeType(ix.partitionKey.type) },
        sortKey: { name: ix.sortKey.name, type: attributeType(ix.sortKey.type) },
        ...(ix.projection.type === 'INCLUDE'
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...ix.projection.attributes] }
          : { projectionType: dynamodb.ProjectionType.KEYS_ONLY }),
      });
    }

    // ---- event bus ---------------------------------------------------------------------------------
    this.bus = new events.EventBus(this, 'EventBus', { eventBusName: `garmentflow-${config.stage}` });
    if (config.events.archiveRetentionDays > 0) {
      this.bus.archive('EventArchive', {
        description: 'Every GarmentFlow event, for replay',
        eventPattern: { account: [Aws.ACCOUNT_ID] },
        retention: Duration.days(config.events.archiveRetentionDays),
      });
    }

    // ---- Cognito: machine callers (client credentials) -----------------------------------------
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `garmentflow-${config.stage}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      accountRecovery: cognito.AccountRecovery.NONE,
      // No user signs in (machine clients only); should one ever be added, a strong password is required.
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: config.table.deletionProtection,
      removalPolicy: dataRemoval,
    });
    const roleScopes = Object.fromEntries(
      ROLES.map((role) => [
        role,
        new cognito.ResourceServerScope({ scopeName: role, scopeDescription: `GarmentFlow role ${role}` }),
      ]),
    ) as Record<(typeof ROLES)[number], cognito.ResourceServerScope>;
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: 'GarmentFlow API',
      scopes: Object.values(roleScopes),
    });
    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: {
        domainPrefix: config.cognito.domainPrefix ?? Fn.join('-', ['garmentflow', config.stage, Aws.ACCOUNT_ID]),
      },
    });
    for (const client of config.cognito.machineClients) {
      this.machineClients[client.name] = this.userPool.addClient(`Client-${client.name}`, {
        userPoolClientName: client.name,
        generateSecret: true,
        oAuth: {
          flows: { clientCredentials: true },
          scopes: client.roles.map((role) => cognito.OAuthScope.resourceServer(resourceServer, roleScopes[role])),
        },
        accessTokenValidity: Duration.minutes(client.accessTokenMinutes ?? config.cognito.accessTokenMinutes),
        enableTokenRevocation: true,
        preventUserExistenceErrors: true,
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      });
      // No user sign-in flows on a machine client (Cognito requires refresh-token auth to be listed).
      (this.machineClients[client.name].node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = [
        'ALLOW_REFRESH_TOKEN_AUTH',
      ];
    }
    const cognitoIssuer = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.userPool.userPoolId}`;

    // ---- functions -----------------------------------------------------------------------------------
    // Replenishment runs that failed: the schedule's undeliverable invocations and, after Lambda's own
    // retries, the asynchronous invocations that threw. One queue to look at (and an alarm on it).
    this.scheduleDlq = new sqs.Queue(this, 'ScheduleDlq', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const fn = (
      name: string,
      entry: string,
      sizing: FunctionSizing,
      description: string,
      environment: Record<string, string>,
      extra: Partial<lambda.FunctionProps> = {},
    ) => this.nodeFunction(config, name, entry, sizing, description, environment, dataRemoval, extra);

    const googleEnv = {
      GOOGLE_CLIENT_ID: config.google.clientId,
      ALLOWED_GOOGLE_DOMAINS: config.google.allowedDomains.join(','),
      ALLOWED_GOOGLE_EMAILS: config.google.allowedEmails.join(','),
    };
    const api = fn('api', FUNCTION_ENTRIES.api, config.functions.api, 'GarmentFlow HTTP API', {
      TABLE_NAME: this.table.tableName,
      STAGE: config.stage,
      ...googleEnv,
    });
    const replenishment = fn(
      'replenishment',
      FUNCTION_ENTRIES.replenishment,
      config.functions.replenishment,
      'Scheduled replenishment: Draft orders for low stock',
      {
        TABLE_NAME: this.table.tableName,
        STAGE: config.stage,
      },
      {
        // Asynchronous invocations (the schedule's) that still fail after Lambda's 2 retries go to the
        // queue through an on-failure destination: the message carries the run's input and its error.
        onFailure: new SqsDestination(this.scheduleDlq),
        retryAttempts: 2,
      },
    );
    const publisher = fn(
      'publisher',
      FUNCTION_ENTRIES.publisher,
      config.functions.publisher,
      'Outbox publisher: table stream -> EventBridge',
      {
        EVENT_BUS_NAME: this.bus.eventBusName,
      },
    );
    const authorizer = fn(
      'authorizer',
      FUNCTION_ENTRIES.authorizer,
      config.functions.authorizer,
      'Verifies Google ID tokens and Cognito access tokens',
      {
        ...googleEnv,
        COGNITO_ISSUER: cognitoIssuer,
        COGNITO_CLIENT_IDS: Object.values(this.machineClients)
          .map((c) => c.userPoolClientId)
          .join(','),
        ROLE_SCOPE_PREFIX: `${RESOURCE_SERVER_ID}/`,
      },
    );
    this.functions = { api, replenishment, publisher, authorizer };
    if (!config.google.clientId) {
      Annotations.of(this).addWarningV2(
        'garmentflow:googleClientIdMissing',
        "No Google OAuth client id configured (-c googleClientId=...): the add-on's Google ID tokens will be refused until it is set.",
      );
    }

    // ---- least-privilege grants ----------------------------------------------------------------------
    this.table.grant(api, ...TABLE_ACTIONS.api);
    this.table.grant(replenishment, ...TABLE_ACTIONS.replenishment);
    // publisher: stream read (granted by the event source) + PutEvents on its bus only.
    this.bus.grantPutEventsTo(publisher);

    // ---- HTTP API --------------------------------------------------------------------------------------
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `garmentflow-${config.stage}`,
      description: 'GarmentFlow Production API',
      createDefaultStage: false,
      // No CORS preflight: the add-on calls from Apps Script's servers (UrlFetchApp), not from a
      // browser page, so no origin needs to be let in.
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: retentionDays(config.logs.retentionDays),
      removalPolicy: dataRemoval,
    });
    this.apiStage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.api.throttle.rateLimit, burstLimit: config.api.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // HTTP API context variables (the library default is REST-API-shaped).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            error: '$context.error.message',
          }),
        ),
      },
    });

    // Public routes answer without a token: their own, lower limits (per route key).
    const publicLimits = {
      ThrottlingRateLimit: config.api.publicRouteThrottle.rateLimit,
      ThrottlingBurstLimit: config.api.publicRouteThrottle.burstLimit,
    };
    (this.apiStage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      ROUTE_SPECS.filter((r) => r.public).map((r) => [`${r.method} ${r.path}`, publicLimits]),
    );

    const integration = new HttpLambdaIntegration('ApiIntegration', api, { scopePermissionToRoute: false });
    const callerAuthorizer = new HttpLambdaAuthorizer('CallerAuthorizer', authorizer, {
      authorizerName: 'google-or-cognito',
      identitySource: ['$request.header.Authorization'],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.seconds(config.api.authorizerCacheSeconds),
    });
    for (const route of ROUTE_SPECS) {
      this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.public ? undefined : callerAuthorizer,
      });
    }

    // ---- outbox publisher: stream -> EventBridge --------------------------------------------------------
    this.publisherDlq = new sqs.Queue(this, 'PublisherDlq', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    publisher.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: config.publisher.batchSize,
        maxBatchingWindow: Duration.seconds(config.publisher.maxBatchingWindowSeconds),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: config.publisher.retryAttempts,
        maxRecordAge: Duration.hours(config.publisher.maxRecordAgeHours),
        parallelizationFactor: 1, // keeps events of one item in order
        onFailure: new SqsDlq(this.publisherDlq),
        // Only inserts of history items that announce an event reach the function.
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { event: { M: { detailType: { S: lambda.FilterRule.exists() } } } } },
          }),
        ],
      }),
    );

    // ---- replenishment schedule ----------------------------------------------------------------------
    new Schedule(this, 'ReplenishmentSchedule', {
      description: `GarmentFlow replenishment (${config.stage})`,
      schedule: ScheduleExpression.expression(
        config.replenishment.schedule,
        TimeZone.of(config.replenishment.timeZone),
      ),
      enabled: config.replenishment.enabled,
      target: new LambdaInvoke(replenishment, {
        // What the job receives: where the run comes from and the window it belongs to.
        input: ScheduleTargetInput.fromObject({
          trigger: 'schedule',
          scheduleArn: ContextAttribute.scheduleArn,
          scheduledTime: ContextAttribute.scheduledTime,
          attempt: ContextAttribute.attemptNumber,
        }),
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.scheduleDlq,
      }),
    });

    // ---- alarms ---------------------------------------------------------------------------------------
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `GarmentFlow ${config.stage} alarms`,
      enforceSSL: true,
    });
    if (config.alarms.email) {
      const subscription = this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarms.email));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An undeliverable alarm e-mail still leaves the alarm in ALARM state in CloudWatch; no queue needed.',
      });
    }
    const action = new SnsAction(this.alarmTopic);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      return a;
    };
    const fiveMinutes = Duration.minutes(5);
    alarm(
      'Api5xxAlarm',
      'The HTTP API answered 5xx',
      this.httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
      config.alarms.api5xxPer5Minutes,
    );
    for (const [name, f] of Object.entries(this.functions)) {
      const title = name[0].toUpperCase() + name.slice(1);
      alarm(
        `${title}ErrorsAlarm`,
        `Function ${name} failed`,
        f.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        1,
      );
      alarm(
        `${title}ThrottlesAlarm`,
        `Function ${name} was throttled`,
        f.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        1,
      );
    }
    alarm(
      'PublisherIteratorAgeAlarm',
      'Events are published late: the stream publisher lags behind',
      publisher.metric('IteratorAge', { period: fiveMinutes, statistic: 'Maximum' }),
      config.alarms.publisherIteratorAgeMinutes * 60_000,
    );
    const custom = (service: string, metricName: string, dimensions: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service, ...dimensions },
        period: fiveMinutes,
        statistic: 'Sum',
      });
    // One alarm per denial reason (a bounded list): a flood of one kind (expired tokens after a
    // clock problem, a misconfigured client id) shows by name. An unusable key set alarms at once.
    for (const reason of DENIAL_REASONS) {
      const id = `AuthorizerDenials${pascal(reason)}Alarm`;
      if (reason === 'keys-unavailable') {
        alarm(
          id,
          'The authorizer could not fetch a usable Google or Cognito key set: callers get 500',
          custom(SERVICES.authorizer, METRIC_NAMES.authorizerDenials, { reason }),
          1,
        );
      } else {
        alarm(
          id,
          `Callers refused by the authorizer: ${reason}`,
          custom(SERVICES.authorizer, METRIC_NAMES.authorizerDenials, { reason }),
          config.alarms.authorizerDenialsPer5Minutes,
        );
      }
    }
    alarm(
      'ReplenishmentStyleErrorsAlarm',
      'Replenishment runs could not process some styles (skip reason ERROR)',
      custom(SERVICES.replenishment, METRIC_NAMES.replenishmentErrors),
      1,
    );
    alarm(
      'ReplenishmentSkippedAlarm',
      'A replenishment run left styles for the next run (time budget, races, errors)',
      custom(SERVICES.replenishment, METRIC_NAMES.replenishmentStylesSkipped),
      1,
    );
    alarm(
      'PublisherFailuresAlarm',
      'The event publisher stopped at a record and is retrying it',
      custom(SERVICES.publisher, METRIC_NAMES.publishFailures),
      1,
    );
    alarm(
      'PublisherDlqAlarm',
      'Stream records the publisher gave up on are in the DLQ',
      this.publisherDlq.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
      1,
    );
    alarm(
      'ScheduleDlqAlarm',
      'Replenishment schedule invocations failed (DLQ)',
      this.scheduleDlq.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
      1,
    );
    alarm(
      'TableThrottlesAlarm',
      'DynamoDB throttled reads or writes on the table or its indexes',
      new cloudwatch.MathExpression({
        label: 'Throttle events',
        expression: 'r + w',
        usingMetrics: {
          r: this.table.metric('ReadThrottleEvents', { statistic: 'Sum' }),
          w: this.table.metric('WriteThrottleEvents', { statistic: 'Sum' }),
        },
        period: fiveMinutes,
      }),
      1,
    );
    alarm(
      'TableSystemErrorsAlarm',
      'DynamoDB answered with system errors',
      this.table.metricSystemErrorsForOperations({
        period: fiveMinutes,
        operations: [
          dynamodb.Operation.GET_ITEM,
          dynamodb.Operation.BATCH_GET_ITEM,
          dynamodb.Operation.QUERY,
          dynamodb.Operation.PUT_ITEM,
          dynamodb.Operation.UPDATE_ITEM,
          dynamodb.Operation.DELETE_ITEM,
          dynamodb.Operation.TRANSACT_WRITE_ITEMS,
          dynamodb.Operation.GET_RECORDS,
        ],
      }),
      1,
    );

    // ---- outputs ----------------------------------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', {
      value: this.apiStage.url,
      description: 'Base URL of the API (routes start with /v1)',
    });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: this.bus.eventBusArn });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'TokenUrl', {
      value: `${domain.baseUrl()}/oauth2/token`,
      description: 'Client-credentials token endpoint',
    });
    for (const [name, client] of Object.entries(this.machineClients)) {
      new CfnOutput(this, `UserPoolClientId${pascal(name)}`, {
        value: client.userPoolClientId,
        description: `App client ${name} (secret: aws cognito-idp describe-user-pool-client)`,
      });
    }
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });

    this.acknowledgeNagFindings();
  }

  /**
   * What cdk-nag (AwsSolutionsChecks, ServerlessChecks; test/infra/nag.test.ts) reports and we keep on
   * purpose, each with its reason. Everything else it reports is fixed above; a new finding fails the test.
   */
  private acknowledgeNagFindings(): void {
    const ack = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
    const logicalIdOf = (c: Construct) => this.resolve((c.node.defaultChild as CfnResource).logicalId) as string;
    const { api, replenishment, publisher, authorizer } = this.functions;

    ack(
      this.userPool,
      'AwsSolutions-COG2',
      'No user signs in to this pool: it issues client-credentials tokens to machine clients only; no MFA applies.',
    );
    ack(
      this.userPool,
      'AwsSolutions-COG8',
      "Machine clients only: the Plus plan's threat protection watches user sign-ins, of which there are none.",
    );

    for (const route of ROUTE_SPECS.filter((r) => r.public)) {
      const construct = this.httpApi.node.tryFindChild(`${route.method}${route.path.replace(/\//g, '--')}`);
      if (construct) {
        ack(
          construct,
          'AwsSolutions-APIG4',
          `${route.method} ${route.path} is public by contract (CONTRACT.md): liveness or the API description.`,
        );
      }
    }

    for (const role of [api.role!, replenishment.role!]) {
      ack(
        role,
        `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.table)}.Arn>/index/*]`,
        "Query on the table's own indexes (byState, byTechPack, byType), with exactly the actions in TABLE_ACTIONS.",
      );
    }
    ack(
      publisher.role!,
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams (stream event source) has no resource-level permissions; reads: this stream only.',
    );
    const schedulerRole = this.node.children.find((c) => c.node.id.startsWith('SchedulerRoleForTarget'));
    if (schedulerRole) {
      ack(
        schedulerRole,
        `AwsSolutions-IAM5[Resource::<${logicalIdOf(replenishment)}.Arn>:*]`,
        'The schedule may invoke the replenishment function (and its versions) only.',
      );
    }

    for (const [name, f] of Object.entries(this.functions)) {
      ack(
        f,
        'AwsSolutions-L1',
        `Node.js 22 is what ${name} is built (esbuild node22) and tested for; a newer runtime is a deliberate move.`,
      );
      ack(f, 'Serverless-LambdaLatestVersion', 'Node.js 22: the runtime the code is built and tested for (see L1).');
      ack(
        f,
        'Serverless-LambdaTracing',
        'No X-Ray: every log line and EMF metric carries the request id, and a single function serves each request.',
      );
    }
    ack(api, 'Serverless-LambdaDLQ', 'Invoked synchronously by API Gateway: the caller gets the error.');
    ack(
      authorizer,
      'Serverless-LambdaDLQ',
      'Invoked synchronously by API Gateway as the authorizer: a failure is a denial; there is no event to keep.',
    );
    ack(
      replenishment,
      'Serverless-LambdaDLQ',
      'Failed asynchronous runs go to ScheduleDlq through an on-failure destination (keeps the input and the error).',
    );
    ack(
      publisher,
      'Serverless-LambdaDLQ',
      'Invoked by its stream event source, whose on-failure destination is PublisherDlq (no function DLQ applies).',
    );

    for (const q of [this.publisherDlq, this.scheduleDlq]) {
      ack(
        q,
        'AwsSolutions-SQS3',
        'This queue is itself a dead-letter queue (publisher stream failures, failed replenishment runs).',
      );
      ack(
        q,
        'Serverless-SQSRedrivePolicy',
        'A dead-letter queue is the last stop: an operator inspects and replays from it (alarm on visible messages).',
      );
    }
  }

  /** A Node.js 22 arm64 function bundled by the local esbuild, with its own log group and role. */
  private nodeFunction(
    config: StageConfig,
    name: string,
    entry: string,
    sizing: FunctionSizing,
    description: string,
    environment: Record<string, string>,
    removalPolicy: RemovalPolicy,
    extra: Partial<lambda.FunctionProps> = {},
  ): NodejsFunction {
    const id = pascal(name);
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: retentionDays(config.logs.retentionDays),
      removalPolicy,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: writes to its own log group only.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `GarmentFlow ${config.stage} ${name} function`,
    });
    logGroup.grantWrite(role);
    return new NodejsFunction(this, `${id}Function`, {
      entry: path.join(PROJECT_ROOT, entry),
      handler: 'handler',
      description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: sizing.memoryMb,
      timeout: Duration.seconds(sizing.timeoutSeconds),
      reservedConcurrentExecutions: sizing.reservedConcurrency,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[config.logs.level],
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { ...environment, LOG_LEVEL: config.logs.level, NODE_OPTIONS: '--enable-source-maps' },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        banner: ESM_REQUIRE_SHIM,
        // The pinned SDK versions the code was tested with, not whatever the runtime ships.
        bundleAwsSDK: true,
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
        logLevel: LogLevel.WARNING,
      },
      ...extra,
    });
  }
}

function attributeType(t: 'S' | 'N'): dynamodb.AttributeType {
  return t === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** CloudWatch Logs only accepts certain retention periods; the closest allowed one at or above. */
export function retentionDays(days: number): logs.RetentionDays {
  const allowed = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
  ];
  const pick = allowed.find((d) => d >= days) ?? 3653;
  return pick as logs.RetentionDays;
}

/** The stack of the stage selected by the app's context (`-c stage=dev|prod`, default dev). */
export function createStack(app: App): GarmentFlowStack {
  const config = loadConfig((key) => app.node.tryGetContext(key));
  return new GarmentFlowStack(app, config.stackName, {
    config,
    description: `GarmentFlow Production (${config.stage}): HTTP API, table, replenishment schedule, event publisher`,
    env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
    terminationProtection: config.stage === 'prod',
  });
}
