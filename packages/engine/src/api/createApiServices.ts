import { BulkJobService } from '../bulk/BulkJobService';
import type { BulkJobMachine, BulkJobStore, Clock, EntitySource, EntityStore, EventIngress, ExecutionStore, FlowStore, TimerService } from '../ports';
import { EntityService } from './EntityService';
import { EventService } from './EventService';
import { ExecutionService } from './ExecutionService';
import { FlowService } from './FlowService';

export interface ApiServices {
  flows: FlowService;
  executions: ExecutionService;
  entities: EntityService;
  events: EventService;
  /** absent when the deployment has no bulk runner */
  bulkJobs?: BulkJobService;
}

export interface ApiServiceDeps {
  flows: FlowStore;
  executions: ExecutionStore;
  entities: EntityStore;
  ingress: EventIngress;
  clock: Clock;
  /** disarms timers when executions or schedules are cancelled */
  timers?: TimerService;
  /** how long a manual start waits for its execution to exist (default 10 s) */
  startWaitMs?: number;
  /** the bulk runner: its job store, the entities it selects from and its state machine */
  bulk?: { jobs: BulkJobStore; entities: EntitySource; machine: BulkJobMachine };
}

/** The API's use cases over the engine's ports (the embedded stack's stores, or DynamoDB's on AWS). */
export function createApiServices(deps: ApiServiceDeps): ApiServices {
  const events = new EventService({ ingress: deps.ingress });
  return {
    flows: new FlowService({ flows: deps.flows }),
    executions: new ExecutionService({
      executions: deps.executions,
      flows: deps.flows,
      entities: deps.entities,
      events,
      clock: deps.clock,
      ...(deps.timers ? { timers: deps.timers } : {}),
      ...(deps.startWaitMs !== undefined ? { startWaitMs: deps.startWaitMs } : {}),
    }),
    entities: new EntityService({ entities: deps.entities }),
    events,
    ...(deps.bulk
      ? { bulkJobs: new BulkJobService({ ...deps.bulk, flows: deps.flows, executions: deps.executions, clock: deps.clock }) }
      : {}),
  };
}
