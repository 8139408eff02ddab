import { ENV, type LambdaEnvironment } from '@autoflow/aws';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type { AutoflowFunction, FunctionDefaults } from './AutoflowFunction';
import { grantAdmission, grantTable } from './grants';
import { guardsVariable } from './guardsVariable';

/** What a function that runs the dispatcher (the dispatcher, the sweeper, the timers function) works on. */
export interface DispatcherResources {
  defaults: FunctionDefaults;
  executions: dynamodb.ITable;
  control: dynamodb.ITable;
  /** the built-in entity store: a flow with schedules decides on the entity as it is now */
  entities?: dynamodb.ITable;
  automationBus: events.IEventBus;
}

/** The environment `DispatcherEnvSchema` (packages/aws) reads; the sweeper and the timers function read the same. */
export function dispatcherEnvironment(props: DispatcherResources): Omit<LambdaEnvironment<'dispatcher'>, typeof ENV.stage | typeof ENV.logLevel> {
  return {
    [ENV.executionsTable]: props.executions.tableName,
    [ENV.controlTable]: props.control.tableName,
    ...(props.entities ? { [ENV.entitiesTable]: props.entities.tableName } : {}),
    [ENV.automationBus]: props.automationBus.eventBusName,
    [ENV.guards]: guardsVariable(props.defaults.config),
  };
}

/**
 * The calls the dispatcher makes: load an execution's collection (Query), read a waiter's state
 * (GetItem), write a transition conditionally (PutItem); admission in the control table (where the
 * wait look-back is read too); the entity (GetItem); `dispatch-<type>` on the automation bus.
 */
export function grantDispatcherAccess(fn: AutoflowFunction, props: DispatcherResources, executionIndexes: readonly string[] = []): void {
  grantTable(fn, props.executions, ['GetItem', 'Query', 'PutItem'], executionIndexes);
  grantAdmission(fn, props.control);
  if (props.entities) grantTable(fn, props.entities, ['GetItem']);
  props.automationBus.grantPutEventsTo(fn.role);
}
