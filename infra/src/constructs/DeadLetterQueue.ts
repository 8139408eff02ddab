import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeNag } from './nagSuppressions';

/**
 * A standard queue that receives what a function or a rule gave up on (EventBridge target
 * DLQ, Lambda on-failure destination). Kept 14 days, the longest SQS allows; an alarm fires on
 * the first message.
 */
export function deadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledgeNag(
    queue,
    'AwsSolutions-SQS3',
    'This queue is itself a dead-letter queue (an EventBridge target DLQ or a Lambda failure destination); an alarm fires on its first message.',
  );
  return queue;
}
