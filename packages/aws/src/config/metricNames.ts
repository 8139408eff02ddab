/**
 * Custom CloudWatch metrics the functions emit (embedded metric format, one dimension: the
 * stage). The CDK app builds its alarms and dashboard from these names.
 */
export const METRICS_NAMESPACE = 'autoflow';

export const METRIC = {
  /** a flow went hot and the listener disabled it (`disabled_by: system`) */
  flowsAutoDisabled: 'FlowsAutoDisabled',
  /** events dead-lettered because they can never be processed (ingress and listener) */
  eventsRejected: 'EventsRejected',
  /** dispatch deliveries whose claim was already taken (duplicates, stale replays) */
  duplicateDispatches: 'DuplicateDispatches',
  /** executions the sweeper re-drove after their lease expired */
  executionsRedriven: 'ExecutionsRedriven',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
