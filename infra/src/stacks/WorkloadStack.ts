import { FALLBACK_ACTION_TYPE } from '@autoflow/aws';
import { BUILT_IN_ACTION_TYPES } from '@autoflow/core';
import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AutoflowFunction, FunctionDefaults } from '../constructs/AutoflowFunction';
import { BulkJobs } from '../constructs/BulkJobs';
import { Dispatcher } from '../constructs/Dispatcher';
import { EntityEvents } from '../constructs/EntityEvents';
import { HttpApi } from '../constructs/HttpApi';
import { Ingress } from '../constructs/Ingress';
import { Listener } from '../constructs/Listener';
import { Monitoring } from '../constructs/Monitoring';
import { acknowledgeNag } from '../constructs/nagSuppressions';
import { Sweeper } from '../constructs/Sweeper';
import { Timers } from '../constructs/Timers';
import { Worker } from '../constructs/Worker';
import type { StatefulStack } from './StatefulStack';

export interface WorkloadStackProps extends StackProps {
  defaults: FunctionDefaults;
  stateful: StatefulStack;
}

/**
 * The code: every function, its event source or rule, and the alarms. It holds no data, so it
 * can be replaced, rolled back or deleted without touching a table or a queue of events.
 */
export class WorkloadStack extends Stack {
  readonly ingress: Ingress;
  readonly listener: Listener;
  readonly dispatcher: Dispatcher;
  readonly entityEvents: EntityEvents;
  readonly sweeper: Sweeper;
  /** the function that hands due timers to the dispatcher */
  readonly timers: Timers;
  /** the bulk job state machine and the function that runs its steps */
  readonly bulkJobs: BulkJobs;
  /** by action type; the fallback worker under `*` */
  readonly workers: ReadonlyMap<string, Worker>;
  /** the HTTP API; undefined when the settings have no `api` */
  readonly api: HttpApi | undefined;
  readonly monitoring: Monitoring | undefined;
  /** every function of the deployment */
  readonly functions: readonly AutoflowFunction[];

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id, props);
    const { defaults, stateful } = props;
    const { config } = defaults;
    const { executions, control, entities } = stateful.tables;

    this.ingress = new Ingress(this, 'Ingress', {
      defaults,
      platformBus: stateful.platformBus,
      triggerQueue: stateful.triggerQueue,
      triggerDeadLetterQueue: stateful.triggerDeadLetterQueue,
    });
    this.listener = new Listener(this, 'Listener', {
      defaults,
      triggerQueue: stateful.triggerQueue,
      triggerDeadLetterQueue: stateful.triggerDeadLetterQueue,
      executions,
      control,
    });
    this.dispatcher = new Dispatcher(this, 'Dispatcher', { defaults, executions, control, entities, automationBus: stateful.automationBus });
    this.entityEvents = new EntityEvents(this, 'EntityEvents', { defaults, entities, triggerQueue: stateful.triggerQueue });
    this.sweeper = new Sweeper(this, 'Sweeper', { defaults, executions, control, entities, automationBus: stateful.automationBus });
    this.bulkJobs = new BulkJobs(this, 'BulkJobs', { defaults, executions, control, entities });

    // ── timers (docs/decisions/0008-timers.md) ───────────────────────────────────────────────
    // The dispatcher and the sweeper arm and disarm timers as their transitions schedule and
    // unschedule slots; the listener ends waits and exits; the timers function re-arms early ones.
    this.timers = new Timers(this, 'Timers', { defaults, store: stateful.timers, executions, control, entities, automationBus: stateful.automationBus });
    for (const f of [this.dispatcher.function, this.sweeper.function, this.listener.function]) stateful.timers.connect(f);

    const resources = { executions, control, entities, triggerQueue: stateful.triggerQueue, automationBus: stateful.automationBus };
    const knownTypes = [...BUILT_IN_ACTION_TYPES, ...config.customActions.map((a) => a.type)];
    const workers = new Map<string, Worker>();
    for (const type of BUILT_IN_ACTION_TYPES) workers.set(type, new Worker(this, `Worker-${type}`, { defaults, resources, actionType: type, knownTypes }));
    for (const custom of config.customActions) {
      workers.set(custom.type, new Worker(this, `Worker-${custom.type}`, { defaults, resources, actionType: custom.type, knownTypes, entry: custom.entry }));
    }
    workers.set(FALLBACK_ACTION_TYPE, new Worker(this, 'Worker-unregistered-types', { defaults, resources, actionType: FALLBACK_ACTION_TYPE, knownTypes }));
    this.workers = workers;

    // ── HTTP API (packages/api) ────────────────────────────────────────────────────────────
    // API Gateway HTTP API with a JWT authorizer in front of one function; the function checks
    // the token again. See docs/deploy.md, "The HTTP API".
    if (config.api) {
      this.api = new HttpApi(this, 'Api', { defaults, settings: config.api, executions, control, entities, triggerQueue: stateful.triggerQueue, bulk: this.bulkJobs });
      // cancelling an execution or a schedule disarms its timers
      stateful.timers.connect(this.api.function);
      new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'Base URL of the HTTP API (append /v1/automation/flows, /openapi.json, …)' });
    } else {
      this.api = undefined;
      Annotations.of(this).addWarningV2(
        'autoflow:api-not-deployed',
        'The HTTP API is not deployed: set api.jwt.issuer and api.jwt.audience to deploy it (docs/deploy.md, "The HTTP API"). Without it, flows can only be written to the control table directly.',
      );
    }

    const functions: AutoflowFunction[] = (this.functions = [
      this.ingress.function,
      this.listener.function,
      this.dispatcher.function,
      this.entityEvents.function,
      this.sweeper.function,
      this.timers.function,
      this.bulkJobs.function,
      ...[...workers.values()].map((w) => w.function),
      ...(this.api ? [this.api.function] : []),
    ]);
    for (const f of functions) {
      acknowledgeNag(
        f.fn,
        'AwsSolutions-L1',
        'Pinned to Node.js 22, the LTS line the bundles are built and tested for (esbuild target node22); moving to a newer runtime is a deliberate upgrade.',
      );
      if (config.tracing) {
        acknowledgeNag(f.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments and PutTelemetryRecords have no resource-level permissions.');
      }
    }

    this.monitoring = config.monitoring.enabled
      ? new Monitoring(this, 'Monitoring', {
          config,
          functions,
          deadLetterQueues: [
            { name: 'triggers', queue: stateful.triggerDeadLetterQueue },
            { name: 'timers', queue: stateful.timers.deadLetterQueue },
            { name: 'ingress', queue: this.ingress.deadLetterQueue },
            { name: 'dispatcher', queue: this.dispatcher.failureQueue },
            { name: 'entity-events', queue: this.entityEvents.failureQueue },
            ...[...workers.values()].map((w) => ({ name: w.route.name, queue: w.deadLetterQueue })),
          ],
          streamConsumers: [this.dispatcher.function, this.entityEvents.function],
          triggerQueue: stateful.triggerQueue,
          bulkJobs: this.bulkJobs.stateMachine,
          ...(this.api ? { httpApi: this.api.api } : {}),
        })
      : undefined;
  }
}
