import { METRICS_NAMESPACE, type MetricName } from '../config/metricNames';

/**
 * Custom metrics in CloudWatch's embedded metric format: one JSON line on stdout per data point,
 * turned into a metric by CloudWatch Logs. No SDK call, nothing to flush, no extra dependency.
 */
export class EmfMetrics {
  constructor(
    private readonly stage: string,
    private readonly write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
  ) {}

  count(name: MetricName, value = 1): void {
    if (value <= 0) return;
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['stage']], Metrics: [{ Name: name, Unit: 'Count' }] }],
        },
        stage: this.stage,
        [name]: value,
      }),
    );
  }
}
