import { SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoBulkJobStore,
  DynamoEntityStore,
  DynamoExecutionStore,
  DynamoFlowStore,
  ENV,
  LOG_LEVELS,
  OPTIONAL_TIMER_ENV,
  SqsEventIngress,
  StageSchema,
  StateMachineArnSchema,
  TRIGGER_GROUPING_ENV,
  createDocumentClient,
  loadLambdaConfig,
  powertoolsLogger,
  schedulerTimerService,
  stepFunctionsBulkJobMachine,
} from '@autoflow/aws';
import { DEFAULT_MESSAGE_GROUPING } from '@autoflow/core';
import { createApiServices, systemClock } from '@autoflow/engine';
import { handle } from 'hono/aws-lambda';
import { z } from 'zod';
import { jwksAuthenticator } from './auth/jwksAuthenticator';
import { createApp } from './createApp';

/** The API function's own variables, besides the shared ones of `ENV` (@autoflow/aws). */
export const API_ENV = {
  jwksUrl: 'AUTOFLOW_JWKS_URL',
  jwtIssuer: 'AUTOFLOW_JWT_ISSUER',
  jwtAudience: 'AUTOFLOW_JWT_AUDIENCE',
} as const;

const TableNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a DynamoDB table name' });

/**
 * The API function's environment: its tables, the trigger queue and the token issuer, and the
 * bulk job state machine if the deployment runs bulk jobs (without it, the bulk routes answer 501).
 */
export const ApiEnvSchema = z
  .strictObject({
    [ENV.stage]: StageSchema,
    [ENV.logLevel]: z.enum(LOG_LEVELS).default('INFO'),
    ...TRIGGER_GROUPING_ENV,
    [ENV.executionsTable]: TableNameSchema,
    [ENV.controlTable]: TableNameSchema,
    [ENV.entitiesTable]: TableNameSchema,
    [ENV.triggerQueueUrl]: z.url({ protocol: /^https?$/ }),
    [API_ENV.jwksUrl]: z.url({ protocol: /^https$/ }),
    [API_ENV.jwtIssuer]: z.string().min(1),
    [API_ENV.jwtAudience]: z.string().min(1).optional(),
    [ENV.bulkStateMachineArn]: StateMachineArnSchema.optional(),
    // cancelling an execution or a schedule disarms its timers
    ...OPTIONAL_TIMER_ENV.variables,
  })
  .superRefine(OPTIONAL_TIMER_ENV.refine)
  .transform((e) => ({
    stage: e.AUTOFLOW_STAGE,
    logLevel: e.AUTOFLOW_LOG_LEVEL,
    tables: { executions: e.AUTOFLOW_EXECUTIONS_TABLE, control: e.AUTOFLOW_CONTROL_TABLE, entities: e.AUTOFLOW_ENTITIES_TABLE },
    triggerQueueUrl: e.AUTOFLOW_TRIGGER_QUEUE_URL,
    triggerGrouping: e.AUTOFLOW_TRIGGER_GROUPING ?? DEFAULT_MESSAGE_GROUPING,
    jwks: { jwksUrl: e.AUTOFLOW_JWKS_URL, issuer: e.AUTOFLOW_JWT_ISSUER, ...(e.AUTOFLOW_JWT_AUDIENCE ? { audience: e.AUTOFLOW_JWT_AUDIENCE } : {}) },
    bulkStateMachineArn: e.AUTOFLOW_BULK_STATE_MACHINE_ARN,
    ...OPTIONAL_TIMER_ENV.settingsOf(e),
  }));

type LambdaHandler = ReturnType<typeof handle>;

/**
 * The API on Lambda (API Gateway HTTP API or a function URL): the same app as on the embedded
 * stack, over the DynamoDB stores and the SQS trigger queue, with tokens of a JWKS issuer.
 * Config, clients and the app are built at the first invocation and kept for the container; a
 * failed build (a bad environment) is not kept, so the next invocation reports it again.
 */
export function createApiLambda(options: { env?: Record<string, string | undefined> } = {}) {
  let built: LambdaHandler | undefined;
  const build = (): LambdaHandler => {
    const config = loadLambdaConfig(ApiEnvSchema, options.env ?? process.env);
    const db = createDocumentClient();
    const executions = new DynamoExecutionStore(db, config.tables.executions);
    const entities = new DynamoEntityStore(db, config.tables.entities, systemClock);
    const logger = powertoolsLogger('autoflow-api', config.logLevel);
    const services = createApiServices({
      flows: new DynamoFlowStore(db, config.tables.control, systemClock),
      executions,
      entities,
      ingress: new SqsEventIngress(new SQSClient({}), config.triggerQueueUrl, config.triggerGrouping),
      clock: systemClock,
      ...(config.timers ? { timers: schedulerTimerService(config.timers, logger) } : {}),
      ...(config.bulkStateMachineArn
        ? {
            bulk: {
              jobs: new DynamoBulkJobStore(db, { control: config.tables.control, executions: config.tables.executions }, executions),
              entities,
              machine: stepFunctionsBulkJobMachine(config.bulkStateMachineArn),
            },
          }
        : {}),
    });
    return handle(createApp({ services, authenticate: jwksAuthenticator(config.jwks), logger }));
  };
  return async (event: Parameters<LambdaHandler>[0], context?: Parameters<LambdaHandler>[1]) => {
    built ??= build();
    return built(event, context);
  };
}

export const handler = createApiLambda();
