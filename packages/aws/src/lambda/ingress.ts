import { SQSClient } from '@aws-sdk/client-sqs';
import { AutomationEventSchema, parseWithProblems } from '@autoflow/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { z } from 'zod';
import { IngressEnvSchema, loadLambdaConfig } from '../config/LambdaEnv';
import { METRIC } from '../config/metricNames';
import { SqsDeadLetterSink, SqsEventIngress } from '../sqs/SqsEventIngress';
import { EmfMetrics } from './EmfMetrics';
import { type EntryOptions, entryLogger, perContainer, withContext } from './lambdaRuntime';

/**
 * What ingress needs to queue an event: the org (its FIFO message group) and the event id (its
 * de-duplication id). Everything else is the listener's to validate, where an invalid event is
 * dead-lettered with every problem (docs/decisions/0003).
 */
const QueueableEventSchema = z.looseObject({
  org_id: AutomationEventSchema.shape.org_id,
  event_id: AutomationEventSchema.shape.event_id,
});

export type IngressOutcome = { outcome: 'queued'; org_id: string; event_id: string } | { outcome: 'rejected'; reason: string };

/**
 * Platform-bus events onto the FIFO trigger queue with `MessageGroupId = org_id`, which an
 * EventBridge rule's SQS target cannot do (its group id is static). An event without a valid
 * `org_id` or `event_id` could never be grouped or de-duplicated: it goes to the trigger DLQ
 * with the reason. A queue that refuses the event makes the invocation fail, so Lambda's
 * asynchronous retries and then the function's on-failure queue take it.
 */
export function createIngressLambda(options: EntryOptions = {}) {
  const container = perContainer(() => {
    const config = loadLambdaConfig(IngressEnvSchema, options.env ?? process.env);
    const sqs = new SQSClient({});
    return {
      logger: entryLogger('ingress', config.logLevel),
      metrics: new EmfMetrics(config.stage),
      ingress: new SqsEventIngress(sqs, config.triggerQueueUrl, config.triggerGrouping),
      deadLetters: new SqsDeadLetterSink(sqs, config.triggerDlqUrl),
    };
  });

  return async (event: EventBridgeEvent<string, unknown>, context?: Context): Promise<IngressOutcome> => {
    const { logger, metrics, ingress, deadLetters } = await container();
    withContext(logger, context);
    const parsed = parseWithProblems(QueueableEventSchema, event.detail);
    if (!parsed.ok) {
      const reason = `event cannot be queued: ${parsed.problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`;
      const org = (event.detail as { org_id?: unknown } | null)?.org_id;
      await deadLetters.reject({
        body: JSON.stringify(event.detail ?? null),
        reason,
        ...(typeof org === 'string' ? { orgId: org } : {}),
      });
      metrics.count(METRIC.eventsRejected);
      logger.warn('event rejected at ingress', { eventbridge_id: event.id, source: event.source, reason });
      return { outcome: 'rejected', reason };
    }
    const detail = parsed.data;
    await ingress.publish([detail]);
    logger.debug('event queued', { org_id: detail.org_id, event_id: detail.event_id });
    return { outcome: 'queued', org_id: detail.org_id, event_id: detail.event_id };
  };
}

export const handler = createIngressLambda();
