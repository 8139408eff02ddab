import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BuiltinActionType, isBuiltinActionType } from '@autoflow/core';
import {
  type ActionHandler,
  ActionRegistry,
  type ActionSettings,
  WorkerRunner,
  createCancelFlowExecutionHandler,
  createMapEntityHandler,
  createSendEmailHandler,
  createTriggerEventHandler,
  createTriggerWebhookHandler,
  systemClock,
} from '@autoflow/engine';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { ENV, FALLBACK_ACTION_TYPE, type WorkerConfig, WorkerEnvSchema, loadLambdaConfig } from '../config/LambdaEnv';
import { LambdaConfigError } from '../config/LambdaConfigError';
import { METRIC } from '../config/metricNames';
import { readSecret } from '../config/readSecret';
import { createDocumentClient } from '../dynamodb/documentClient';
import { DynamoConfigStore } from '../dynamodb/DynamoConfigStore';
import { DynamoEntityStore } from '../dynamodb/DynamoEntityStore';
import { DynamoExecutionStore } from '../dynamodb/DynamoExecutionStore';
import { createWorkerHandler } from '../handlers/workerHandler';
import { SesEmailSender } from '../ses/SesEmailSender';
import { SqsEventIngress } from '../sqs/SqsEventIngress';
import { EmfMetrics } from './EmfMetrics';
import { type EntryOptions, entryLogger, perContainer, withContext } from './lambdaRuntime';

export interface WorkerEntryOptions extends EntryOptions {
  /** handlers of custom action types; a deployment's own worker entry passes them */
  customHandlers?: Record<string, ActionHandler>;
}

/**
 * One worker function per action type, all from this entry: `AUTOFLOW_ACTION_TYPE` names the
 * type it runs, and its EventBridge rule delivers only `dispatch-<that type>`. The fallback
 * worker (`*`) registers nothing, so every dispatch it receives — a type nobody deployed a
 * worker for — fails at once with a clear reason instead of timing out.
 *
 * A worker builds only the ports its type needs (WORKER_NEEDS), with the grants the CDK app
 * gave it, and its handler takes nothing else.
 */
export function createWorkerLambda(options: WorkerEntryOptions = {}) {
  const container = perContainer(async () => {
    const env = options.env ?? process.env;
    const config = loadLambdaConfig(WorkerEnvSchema, env);
    const logger = entryLogger(`worker-${config.actionType === FALLBACK_ACTION_TYPE ? 'unregistered-types' : config.actionType}`, config.logLevel);
    const db = createDocumentClient();
    const registry = new ActionRegistry();
    if (config.actionType !== FALLBACK_ACTION_TYPE) registry.register(config.actionType, await handlerFor(config, options.customHandlers ?? {}, env));
    const worker = new WorkerRunner({ executions: new DynamoExecutionStore(db, config.executionsTable), handlers: registry, clock: systemClock, logger });
    return {
      logger,
      metrics: new EmfMetrics(config.stage),
      handle: createWorkerHandler(worker, (message, extra) => logger.warn(message, extra as Record<string, unknown>)),
    };
  });

  return async (event: EventBridgeEvent<string, unknown>, context?: Context): Promise<{ outcome: string }> => {
    const { logger, metrics, handle } = await container();
    withContext(logger, context);
    const result = await handle(event);
    if (result.outcome === 'duplicate') metrics.count(METRIC.duplicateDispatches);
    return result;
  };
}

async function handlerFor(config: WorkerConfig, customHandlers: Record<string, ActionHandler>, env: Record<string, string | undefined>): Promise<ActionHandler> {
  const type = config.actionType;
  const custom = customHandlers[type];
  if (custom) return custom;
  if (!isBuiltinActionType(type)) {
    throw new LambdaConfigError([{ path: ENV.actionType, message: `"${type}" is not a built-in action type and this entry registers no handler for it` }]);
  }
  if (type === BuiltinActionType.Wait) {
    throw new LambdaConfigError([{ path: ENV.actionType, message: 'wait steps are run by the dispatcher; they have no worker' }]);
  }
  const db = createDocumentClient();
  // The schema guarantees the variables of the type's needs (WORKER_NEEDS): each handler gets exactly those ports.
  const controlStore = () => new DynamoConfigStore(db, config.controlTable!);
  const settings = async (): Promise<ActionSettings> => ({
    emailFrom: config.emailFrom ?? '',
    // Read once per container: the extension caches too, but not across cold starts.
    webhookSigningSecret: config.webhookSigningSecret
      ? await readSecret(config.webhookSigningSecret, {
          ...(env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ? { port: Number(env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT) } : {}),
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        })
      : '',
    allowPrivateWebhookTargets: config.allowPrivateWebhookTargets,
    webhookTimeoutMs: config.webhookTimeoutMs,
  });
  switch (type) {
    case BuiltinActionType.TriggerWebhook:
      return createTriggerWebhookHandler({ config: controlStore(), settings: await settings() });
    case BuiltinActionType.MapEntity:
      return createMapEntityHandler({ entities: new DynamoEntityStore(db, config.entitiesTable!, systemClock) });
    case BuiltinActionType.SendEmail:
      return createSendEmailHandler({
        config: controlStore(),
        email: new SesEmailSender(new SESv2Client({}), config.sesConfigurationSet ? { configurationSetName: config.sesConfigurationSet } : {}),
        settings: await settings(),
      });
    case BuiltinActionType.TriggerEvent:
      return createTriggerEventHandler({ ingress: new SqsEventIngress(new SQSClient({}), config.triggerQueueUrl!, config.triggerGrouping) });
    case BuiltinActionType.CancelFlowExecution:
      return createCancelFlowExecutionHandler();
  }
}

export const handler = createWorkerLambda();
