/**
 * The one routing definition: detail-types and event patterns of the automation bus.
 * The CDK app builds its EventBridge rules from it and the embedded stack's bus routes with
 * it, so local routing is deployed routing.
 */
export const AUTOMATION_SOURCE = 'autoflow.dispatcher';

export const dispatchDetailType = (actionType: string): string => `dispatch-${actionType}`;

/** Built-in action types; each gets a worker and a rule of its own. */
export const BUILT_IN_ACTION_TYPES = [
  'trigger-webhook',
  'map-entity',
  'send-email',
  'trigger-event',
  'cancel-flow-execution',
] as const;

export interface WorkerRoute {
  /** rule name suffix, stable across deployments */
  name: string;
  actionType: string;
  pattern: { source: string[]; 'detail-type': string[] };
}

export const workerRoute = (actionType: string): WorkerRoute => ({
  name: `worker-${actionType.replace(/[^A-Za-z0-9-]/g, '-')}`,
  actionType,
  pattern: { source: [AUTOMATION_SOURCE], 'detail-type': [dispatchDetailType(actionType)] },
});

/**
 * Dispatches of a type no worker is registered for go to the fallback worker, which fails the
 * action at once with a clear reason instead of letting it time out.
 */
export const fallbackRoute = (knownTypes: readonly string[]): WorkerRoute => ({
  name: 'worker-unregistered-types',
  actionType: '*',
  pattern: {
    source: [AUTOMATION_SOURCE],
    'detail-type': [{ 'anything-but': knownTypes.map(dispatchDetailType) }] as unknown as string[],
  },
});

/** Routes for the built-in types plus the custom types a deployment registers. */
export const workerRoutes = (customTypes: readonly string[] = []): WorkerRoute[] =>
  [...new Set([...BUILT_IN_ACTION_TYPES, ...customTypes])].map(workerRoute);
