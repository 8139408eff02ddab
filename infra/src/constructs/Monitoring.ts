import { type DeploymentConfig, METRIC, METRICS_NAMESPACE } from '@autoflow/aws';
import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { AutoflowFunction } from './AutoflowFunction';
import { acknowledgeNag } from './nagSuppressions';

export interface MonitoringProps {
  config: DeploymentConfig;
  functions: readonly AutoflowFunction[];
  /** every queue that holds what something gave up on, by a readable name */
  deadLetterQueues: ReadonlyArray<{ name: string; queue: sqs.IQueue }>;
  /** functions on a stream: their iterator age says how far behind they are */
  streamConsumers: readonly AutoflowFunction[];
  triggerQueue: sqs.IQueue;
  /** the bulk job state machine: a failed job is alarmed on, jobs are drawn */
  bulkJobs?: sfn.IStateMachine;
  /** the HTTP API, if deployed: its 5xx rate and latency are alarmed on and drawn */
  httpApi?: apigwv2.IHttpApi;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The alarms that matter and one dashboard for the pipeline. Every alarm notifies the alarm
 * topic (subscribe an address with `monitoring.alarmEmail`). Alarms and the dashboard are the
 * only fixed monthly cost of a deployment; `monitoring.enabled: false` leaves them out.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config } = props;
    const prefix = `autoflow-${config.stage}`;
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: `${prefix} alarms`, enforceSSL: true });
    acknowledgeNag(
      this.topic,
      'AwsSolutions-SNS2',
      'Alarm notifications carry alarm names and states only, no tenant data; CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a customer key would add a fixed monthly cost.',
    );
    if (config.monitoring.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(config.monitoring.alarmEmail));

    const alarm = (idSuffix: string, name: string, metric: cloudwatch.IMetric, threshold: number, description: string, evaluationPeriods = 1): void => {
      const created = new cloudwatch.Alarm(this, idSuffix, {
        alarmName: `${prefix}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(created);
    };

    for (const { name, queue } of props.deadLetterQueues) {
      alarm(`Dlq-${name}`, `dlq-${name}`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), 0, `Messages in the ${name} dead-letter queue: something was given up on`);
    }
    for (const f of props.functions) {
      const errorRate = new cloudwatch.MathExpression({
        expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
        usingMetrics: { errors: f.fn.metricErrors({ period: FIVE_MINUTES }), invocations: f.fn.metricInvocations({ period: FIVE_MINUTES }) },
        label: `${f.name} error rate (%)`,
        period: FIVE_MINUTES,
      });
      alarm(`Errors-${f.name}`, `${f.name}-error-rate`, errorRate, config.monitoring.errorRatePercent, `More than ${config.monitoring.errorRatePercent}% of ${f.name} invocations failed`);
      alarm(`Throttles-${f.name}`, `${f.name}-throttles`, f.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), 0, `${f.name} invocations were throttled`);
    }
    for (const f of props.streamConsumers) {
      alarm(
        `IteratorAge-${f.name}`,
        `${f.name}-iterator-age`,
        f.fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
        config.monitoring.iteratorAgeSeconds * 1000,
        `${f.name} is more than ${config.monitoring.iteratorAgeSeconds} s behind its stream`,
      );
    }
    alarm(
      'TriggerQueueAge',
      'trigger-queue-age',
      props.triggerQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      300,
      'An event has waited more than 5 minutes on the trigger queue',
    );
    const flowsDisabled = customMetric(config.stage, METRIC.flowsAutoDisabled, false);
    alarm('FlowsAutoDisabled', 'flows-auto-disabled', flowsDisabled, 0, 'The listener disabled a flow that went hot (runaway protection); a person has to re-enable it');

    const bulk = props.bulkJobs;
    if (bulk) {
      // A cancelled job ends in a Succeed state; a failed one (a step that kept failing, a flow
      // disabled or deleted under it, no approval in time) ends in Fail, with its error on the job.
      alarm('BulkJobsFailed', 'bulk-jobs-failed', bulk.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }), 0, 'A bulk job failed: GET /v1/automation/executions/bulk-jobs/{job_id} shows its error');
    }

    const api = props.httpApi;
    if (api) {
      // 5xx are the app's 500s (a bug or an outage), the function failing or timing out, and
      // API Gateway's own errors; 4xx (bad requests, refused tokens, throttling) are the caller's.
      const serverErrorRate = new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: { errors: api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }), requests: api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' }) },
        label: 'api 5xx rate (%)',
        period: FIVE_MINUTES,
      });
      alarm('Api5xxRate', 'api-5xx-rate', serverErrorRate, config.monitoring.errorRatePercent, `More than ${config.monitoring.errorRatePercent}% of HTTP API requests answered 5xx`);
      // p95 over three 5-minute periods in a row: a manual start may wait up to 10 s, so one
      // slow request in a quiet period does not page anyone.
      alarm(
        'ApiLatency',
        'api-latency',
        api.metricLatency({ period: FIVE_MINUTES, statistic: 'p95' }),
        config.monitoring.apiLatencyMs,
        `The HTTP API's p95 latency was above ${config.monitoring.apiLatencyMs} ms for 15 minutes`,
        3,
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${prefix}-pipeline`, defaultInterval: Duration.hours(3) });
    const byName = (names: string[]) => props.functions.filter((f) => names.includes(f.name));
    const pipeline = byName(['ingress', 'listener', 'dispatcher', 'timers', 'entity-events', 'sweeper']);
    const workers = props.functions.filter((f) => f.name.startsWith('worker-'));
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `# autoflow ${config.stage}\nplatform bus → ingress → trigger queue → listener → executions stream → dispatcher → automation bus → workers; timers queue → timers → dispatcher; HTTP API → api`, width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(
      graph('Invocations', pipeline.map((f) => f.fn.metricInvocations({ label: f.name, period: FIVE_MINUTES }))),
      graph('Errors', pipeline.map((f) => f.fn.metricErrors({ label: f.name, period: FIVE_MINUTES }))),
      graph('Duration p95', pipeline.map((f) => f.fn.metricDuration({ label: f.name, statistic: 'p95', period: FIVE_MINUTES }))),
    );
    this.dashboard.addWidgets(
      graph('Trigger queue', [
        props.triggerQueue.metricApproximateNumberOfMessagesVisible({ label: 'visible', period: Duration.minutes(1) }),
        props.triggerQueue.metricApproximateAgeOfOldestMessage({ label: 'oldest (s)', period: Duration.minutes(1) }),
      ]),
      graph('Stream iterator age (ms)', props.streamConsumers.map((f) => f.fn.metric('IteratorAge', { label: f.name, statistic: 'Maximum', period: Duration.minutes(1) }))),
      graph('Dead letters', props.deadLetterQueues.map(({ name, queue }) => queue.metricApproximateNumberOfMessagesVisible({ label: name, period: Duration.minutes(1), statistic: 'Maximum' }))),
    );
    if (api) {
      this.dashboard.addWidgets(
        graph('HTTP API requests', [api.metricCount({ label: 'requests', period: FIVE_MINUTES, statistic: 'Sum' })]),
        graph('HTTP API errors', [api.metricClientError({ label: '4xx', period: FIVE_MINUTES }), api.metricServerError({ label: '5xx', period: FIVE_MINUTES })]),
        graph('HTTP API latency', [
          api.metricLatency({ label: 'p50', statistic: 'p50', period: FIVE_MINUTES }),
          api.metricLatency({ label: 'p95', statistic: 'p95', period: FIVE_MINUTES }),
          api.metricIntegrationLatency({ label: 'function p95', statistic: 'p95', period: FIVE_MINUTES }),
        ]),
      );
    }
    if (bulk) {
      const tasks = byName(['bulk-tasks']);
      this.dashboard.addWidgets(
        graph('Bulk jobs', [
          bulk.metricStarted({ label: 'started', period: FIVE_MINUTES }),
          bulk.metricSucceeded({ label: 'finished or cancelled', period: FIVE_MINUTES }),
          bulk.metricFailed({ label: 'failed', period: FIVE_MINUTES }),
        ]),
        graph('Bulk tasks', tasks.flatMap((f) => [f.fn.metricInvocations({ label: 'invocations', period: FIVE_MINUTES }), f.fn.metricErrors({ label: 'errors', period: FIVE_MINUTES })])),
        graph('Bulk task duration p95', tasks.map((f) => f.fn.metricDuration({ label: f.name, statistic: 'p95', period: FIVE_MINUTES }))),
      );
    }
    this.dashboard.addWidgets(
      graph('Worker invocations', workers.map((f) => f.fn.metricInvocations({ label: f.name, period: FIVE_MINUTES }))),
      graph('Worker errors', workers.map((f) => f.fn.metricErrors({ label: f.name, period: FIVE_MINUTES }))),
      graph(
        'Runaway protection and redelivery',
        Object.values(METRIC).map((name) => customMetric(config.stage, name)),
      ),
    );
  }
}

function customMetric(stage: string, name: string, labelled = true): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { stage }, statistic: 'Sum', period: FIVE_MINUTES, ...(labelled ? { label: name } : {}) });
}

function graph(title: string, left: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: 8, height: 6 });
}
