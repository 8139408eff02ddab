import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  CapacityMeter,
  DISPATCHER_STREAM_FILTER,
  DynamoConfigStore,
  DynamoEntityStore,
  DynamoExecutionStore,
  DynamoFlowStore,
  DynamoGuardStore,
  DynamoAdmissionStore,
  DynamoBulkJobStore,
  DynamoRecentEventStore,
  EventBridgeDispatchPublisher,
  BULK_STATES,
  bulkJobDefinition,
  createBulkTasksHandler,
  SesEmailSender,
  SqsDeadLetterSink,
  SqsEventIngress,
  TABLES,
  type TableNames,
  createDispatcherHandler,
  createDocumentClient,
  createEntityEventsHandler,
  createListenerHandler,
  createTableInput,
  createWorkerHandler,
  tableNamesFor,
} from '@autoflow/aws';
import {
  type Decision,
  type EventPattern,
  type ExecutionState,
  type GuardSettings,
  type MessageGrouping,
  fallbackRoute,
  guardSettings,
  matchesPattern,
  workerRoutes,
} from '@autoflow/core';
import {
  type ActionHandler,
  ActionRegistry,
  Admission,
  type ActionSettings,
  type BulkJob,
  BulkJobTasks,
  type Clock,
  Dispatcher,
  type Logger,
  Sweeper,
  TriggerListener,
  WorkerRunner,
  builtInHandlers,
  silentLogger,
  systemClock,
  toExecutionDocument,
} from '@autoflow/engine';
import { LocalBulkJobMachine, LocalStateMachine } from '../stepfunctions';
import { LocalEventBus, type PutEventsInput } from '../bus';
import { localAwsClientConfig, startDynamoDbLocal, startFauxqs, startSesSink } from '../emulators';
import { DynamoDbStreamPoller, SqsPoller, SqsQueues } from '../pollers';
import { type ClockMove, LocalTimerService, type TimerMode } from '../timers';
import { ManualClock } from './ManualClock';
import { nudgeOnWrite } from './nudgeOnWrite';

export interface EmbeddedStackOptions {
  /** a `ManualClock` puts the timers in manual mode: they fire when `advanceClock` moves it */
  clock?: Clock;
  /**
   * `mode: 'manual'` without a clock makes a `ManualClock` starting now; the default is the
   * clock's own: manual for a `ManualClock`, real otherwise
   */
  timers?: { mode?: TimerMode };
  random?: () => number;
  logger?: Logger;
  /** table and queue name prefix */
  prefix?: string;
  customHandlers?: Record<string, ActionHandler>;
  settings?: Partial<ActionSettings>;
  /** real-time interval of the sweeper; 0 disables it (call `sweep()` yourself) */
  sweepIntervalMs?: number;
  pollIntervalMs?: number;
  /** runaway-protection settings (defaults from DESIGN §4) */
  guards?: Partial<GuardSettings>;
  /** count consumed capacity of every execution-store call */
  meterCapacity?: boolean;
  onTransition?: (state: ExecutionState, decision: Decision) => void;
  onAttempt?: ConstructorParameters<typeof WorkerRunner>[0]['onAttempt'];
  bulk?: EmbeddedBulkOptions;
  /** executions-stream records handled side by side (Lambda's ParallelizationFactor, 1-10; default 2) */
  parallelizationFactor?: number;
  /** the trigger queue's message groups (default: per org; see core's `messageGroupOf`) */
  triggerGrouping?: MessageGrouping;
}

export interface EmbeddedBulkOptions {
  /** how long one batch or monitoring step runs before it hands its cursor back (default 10 s) */
  batchBudgetMs?: number;
  /** entities started in one transaction (default 25) */
  chunkSize?: number;
  /** pause between monitoring passes (default 250 ms; 15 s on AWS) */
  monitorIntervalMs?: number;
  /** pause before a crashed step is retried (default 100 ms) */
  retryDelayMs?: number;
  /** the runner starts no new page while this many of the org's executions wait for a slot (default 100) */
  maxWaiting?: number;
  /** test seam: runs before each chunk; throwing simulates a crashed batch step */
  beforeChunk?: (job: BulkJob, chunkIndex: number) => void | Promise<void>;
}

export interface EmbeddedBulk {
  jobs: DynamoBulkJobStore;
  machine: LocalBulkJobMachine;
  entities: DynamoEntityStore;
  tasks: BulkJobTasks;
  stateMachine: LocalStateMachine;
}

interface Stoppable {
  stop(): Promise<void>;
}

interface EmbeddedStackParts {
  clock: Clock;
  manualClock: ManualClock | undefined;
  tables: TableNames;
  endpoints: EmbeddedStack['endpoints'];
  queues: EmbeddedStack['queues'];
  clients: EmbeddedStack['clients'];
  stores: EmbeddedStack['stores'];
  ingress: SqsEventIngress;
  bus: LocalEventBus;
  publisher: EventBridgeDispatchPublisher;
  dispatcher: Dispatcher;
  timers: LocalTimerService;
  sweeper: Sweeper;
  registry: ActionRegistry;
  bulk: EmbeddedBulk;
  pollers: { trigger: SqsPoller; executions: DynamoDbStreamPoller; entities: DynamoDbStreamPoller };
  pollIntervalMs: number;
  processes: Stoppable[];
  meter: CapacityMeter | undefined;
}

/** What the engine's parts have done so far, to tell whether anything happened between two looks. */
interface ActivityMark {
  /** something is being handled right now */
  busy: boolean;
  /** counters that move whenever a part handles something */
  counts: string;
  /** where the stream readers stood */
  reads: { executions: number; entities: number };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * autoflow on one machine: DynamoDB Local, fauxqs (SQS FIFO) and the SES sink on free loopback
 * ports, the same tables and queues as the AWS deployment, and the real handlers fed by pollers
 * that reproduce Lambda's event shapes (SQS batches, DynamoDB stream records, EventBridge events).
 */
export class EmbeddedStack {
  readonly meter?: CapacityMeter;
  readonly clock: Clock;
  /** the clock when it is manual (`advanceClock` moves it); undefined on the real clock */
  readonly manualClock?: ManualClock;
  readonly tables: TableNames;
  readonly endpoints: { dynamodb: string; sqs: string; ses: string };
  readonly queues: { triggerUrl: string; triggerArn: string; dlqUrl: string; dlqArn: string };
  readonly clients: { dynamodb: DynamoDBClient; sqs: SQSClient; ses: SESv2Client; streams: DynamoDBStreamsClient; document: { destroy(): void } };
  readonly stores: {
    flows: DynamoFlowStore;
    executions: DynamoExecutionStore;
    entities: DynamoEntityStore;
    config: DynamoConfigStore;
    /** the org slots, entity locks and their wait queues */
    admission: DynamoAdmissionStore;
    /** the per-entity look-back of wait steps */
    recentEvents: DynamoRecentEventStore;
  };
  readonly ingress: SqsEventIngress;
  readonly bus: LocalEventBus;
  readonly publisher: EventBridgeDispatchPublisher;
  readonly dispatcher: Dispatcher;
  /** the durable timers the dispatcher arms (retries, delays, wait timeouts, send windows) */
  readonly timers: LocalTimerService;
  readonly sweeper: Sweeper;
  readonly registry: ActionRegistry;
  /** bulk jobs: their store, the local state machine running the deployed definition, its tasks */
  readonly bulk: EmbeddedBulk;
  private readonly pollers: EmbeddedStackParts['pollers'];
  private readonly pollIntervalMs: number;
  private readonly processes: Stoppable[];
  private stopping = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();

  private constructor(parts: EmbeddedStackParts) {
    this.clock = parts.clock;
    if (parts.manualClock) this.manualClock = parts.manualClock;
    this.tables = parts.tables;
    this.endpoints = parts.endpoints;
    this.queues = parts.queues;
    this.clients = parts.clients;
    this.stores = parts.stores;
    this.ingress = parts.ingress;
    this.bus = parts.bus;
    this.publisher = parts.publisher;
    this.dispatcher = parts.dispatcher;
    this.timers = parts.timers;
    this.sweeper = parts.sweeper;
    this.registry = parts.registry;
    this.bulk = parts.bulk;
    this.pollers = parts.pollers;
    this.pollIntervalMs = parts.pollIntervalMs;
    this.processes = parts.processes;
    if (parts.meter) this.meter = parts.meter;
  }

  static async start(options: EmbeddedStackOptions = {}): Promise<EmbeddedStack> {
    const { clock, manualClock } = resolveClock(options);
    const logger = options.logger ?? silentLogger;
    const prefix = options.prefix ?? 'autoflow';
    const processes: Stoppable[] = [];
    let timers: LocalTimerService | undefined;
    try {
      const [ddb, sqsServer, ses] = await Promise.all([startDynamoDbLocal(), startFauxqs(), startSesSink()]);
      processes.push(ddb, sqsServer, ses);
      const dynamodb = new DynamoDBClient(localAwsClientConfig(ddb.endpoint));
      const streams = new DynamoDBStreamsClient(localAwsClientConfig(ddb.endpoint));
      const sqs = new SQSClient(localAwsClientConfig(sqsServer.endpoint));
      const sesClient = new SESv2Client(localAwsClientConfig(ses.endpoint));
      const db = createDocumentClient(localAwsClientConfig(ddb.endpoint));

      const tables = tableNamesFor(prefix);
      await Promise.all(TABLES.map((def) => dynamodb.send(new CreateTableCommand(createTableInput(def, tables[def.id])))));

      const queues = await new SqsQueues(sqs).create({
        name: `${prefix}-triggers.fifo`,
        fifo: true,
        visibilityTimeoutSeconds: 2,
        dlq: { name: `${prefix}-triggers-dlq.fifo`, maxReceiveCount: 5 },
      });

      const meter = options.meterCapacity ? new CapacityMeter() : undefined;
      const stores = {
        flows: new DynamoFlowStore(db, tables.control, clock),
        executions: new DynamoExecutionStore(db, tables.executions, meter),
        entities: new DynamoEntityStore(db, tables.entities, clock),
        config: new DynamoConfigStore(db, tables.control),
        admission: new DynamoAdmissionStore(db, tables.control),
        recentEvents: new DynamoRecentEventStore(db, tables.control),
      };
      const ingress = new SqsEventIngress(sqs, queues.queue.url, options.triggerGrouping);
      const deadLetters = new SqsDeadLetterSink(sqs, queues.dlq!.url);
      const bus = new LocalEventBus({ matcher: (pattern, event) => matchesPattern(pattern as EventPattern, event), busName: `${prefix}-automation`, account: '000000000000', region: 'us-east-1', maxAttempts: 5, retryDelayMs: 200 });
      const publisher = new EventBridgeDispatchPublisher((input) => bus.putEvents(input as PutEventsInput), `${prefix}-automation`);

      const settings: ActionSettings = {
        emailFrom: 'autoflow@example.com',
        webhookSigningSecret: 'autoflow-local-signing-secret',
        allowPrivateWebhookTargets: true,
        webhookTimeoutMs: 10_000,
        ...options.settings,
      };
      const registry = new ActionRegistry();
      const builtIns = builtInHandlers({ entities: stores.entities, ingress, email: new SesEmailSender(sesClient), config: stores.config, clock, settings });
      for (const [type, handler] of Object.entries(builtIns)) registry.register(type, handler);
      for (const [type, handler] of Object.entries(options.customHandlers ?? {})) registry.register(type, handler);

      // The dispatcher arms timers and timers wake the dispatcher: the service calls it through a closure.
      timers = new LocalTimerService({ client: dynamodb, table: tables.control, clock, logger, onFire: (timer) => dispatcher.onTimer(timer) });
      const { recentEvents } = stores;
      const listener = new TriggerListener({
        flows: stores.flows,
        executions: stores.executions,
        deadLetters,
        guards: new DynamoGuardStore(db, tables.control),
        timers,
        recentEvents,
        clock,
        logger,
        ...(options.guards ? { guardSettings: options.guards } : {}),
      });
      const limits = guardSettings(options.guards);
      const dispatcher: Dispatcher = new Dispatcher({
        executions: stores.executions,
        admission: new Admission(stores.admission, { orgConcurrency: limits.orgConcurrency, lockLeaseMs: limits.lockLeaseMs }),
        publisher,
        timers,
        entities: stores.entities,
        recentEvents,
        clock,
        logger,
        ...(options.random ? { random: options.random } : {}),
        ...(options.onTransition ? { onTransition: options.onTransition } : {}),
      });
      const worker = new WorkerRunner({ executions: stores.executions, handlers: registry, clock, logger, ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}) });
      const sweeper = new Sweeper({ executions: stores.executions, dispatcher, clock, logger });
      const bulk = createBulk({ db, tables, stores, guards: new DynamoGuardStore(db, tables.control), admission: stores.admission, clock, logger, prefix, options: options.bulk ?? {} });

      const workerHandler = createWorkerHandler(worker, (m, extra) => logger.warn(m, extra as Record<string, unknown>));
      for (const route of [...workerRoutes(registry.types()), fallbackRoute(registry.types())]) {
        bus.addRule({ name: route.name, pattern: route.pattern, target: async (event) => void (await workerHandler(event)) });
      }

      const pollInterval = options.pollIntervalMs ?? 50;
      const dispatchFilter = (record: object): boolean => matchesPattern(DISPATCHER_STREAM_FILTER as never, record);
      const pollers = {
        trigger: new SqsPoller({ client: sqs, queueUrl: queues.queue.url, queueArn: queues.queue.arn, handler: createListenerHandler(listener), batchSize: 10, waitTimeSeconds: 1 }),
        executions: new DynamoDbStreamPoller({
          ddbClient: dynamodb,
          streamsClient: streams,
          tableName: tables.executions,
          handler: createDispatcherHandler(dispatcher),
          filter: dispatchFilter,
          // Executions are independent, so their records run side by side (Lambda's
          // ParallelizationFactor); kept low here, where one DynamoDB Local serves every caller.
          parallelizationFactor: options.parallelizationFactor ?? 2,
          startingPosition: 'TRIM_HORIZON',
          batchSize: 100,
          maxRetryAttempts: 10,
          bisectBatchOnFunctionError: true,
          pollIntervalMs: pollInterval,
          onFailure: (records, error) => logger.error('dispatcher gave up on records', { count: records.length, error: String(error) }),
        }),
        entities: new DynamoDbStreamPoller({
          ddbClient: dynamodb,
          streamsClient: streams,
          tableName: tables.entities,
          handler: createEntityEventsHandler(ingress),
          startingPosition: 'TRIM_HORIZON',
          batchSize: 100,
          maxRetryAttempts: 10,
          bisectBatchOnFunctionError: true,
          pollIntervalMs: pollInterval,
          onFailure: (records, error) => logger.error('entity events gave up on records', { count: records.length, error: String(error) }),
        }),
      };
      // The stack's own writes wake the stream poller of their table at once.
      const nudges = { [tables.executions]: () => pollers.executions.nudge(), [tables.entities]: () => pollers.entities.nudge() };
      nudgeOnWrite(dynamodb, nudges);
      nudgeOnWrite(db, nudges);
      // Timers first: those that came due while the stack was down fire, and the pollers that
      // start next (at the streams' trim horizon) see what the firings wrote.
      await timers.start();
      await Promise.all([pollers.trigger.start(), pollers.executions.start(), pollers.entities.start()]);

      const stack = new EmbeddedStack({
        clock,
        manualClock,
        tables,
        endpoints: { dynamodb: ddb.endpoint, sqs: sqsServer.endpoint, ses: ses.endpoint },
        queues: { triggerUrl: queues.queue.url, triggerArn: queues.queue.arn, dlqUrl: queues.dlq!.url, dlqArn: queues.dlq!.arn },
        clients: { dynamodb, sqs, ses: sesClient, streams, document: db },
        stores,
        ingress,
        bus,
        publisher,
        dispatcher,
        timers,
        sweeper,
        registry,
        bulk,
        pollers,
        pollIntervalMs: pollInterval,
        processes,
        meter,
      });
      stack.sesSink = ses;
      stack.pids = [ddb.pid, sqsServer.pid];
      const sweepEvery = options.sweepIntervalMs ?? 1_000;
      if (sweepEvery > 0) stack.scheduleSweeps(sweepEvery);
      return stack;
    } catch (err) {
      await timers?.stop().catch(() => undefined);
      await Promise.allSettled(processes.map((p) => p.stop()));
      throw err;
    }
  }

  private sesSink!: Awaited<ReturnType<typeof startSesSink>>;

  /** Processes the stack started (DynamoDB Local, fauxqs); all gone after `stop()`. */
  pids: number[] = [];

  /** Mail the SES sink received. */
  listMail(): ReturnType<Awaited<ReturnType<typeof startSesSink>>['listMail']> {
    return this.sesSink.listMail();
  }

  /** Publishes platform events to the trigger queue. */
  publishEvents(events: Array<{ event_id: string; org_id: string; [k: string]: unknown }>): Promise<void> {
    return this.ingress.publish(events);
  }

  /** The epilot-shaped execution document. */
  async getExecution(orgId: string, executionId: string): Promise<Record<string, unknown> | undefined> {
    const record = await this.stores.executions.load(orgId, executionId);
    return record ? toExecutionDocument(record) : undefined;
  }

  /** Runs one sweep now (tests with a manual clock call this after advancing it). */
  sweep(): ReturnType<Sweeper['sweep']> {
    const run = this.sweeper.sweep();
    this.sweeping = run.catch(() => undefined);
    return run;
  }

  private scheduleSweeps(everyMs: number): void {
    const tick = async (): Promise<void> => {
      if (this.stopping) return;
      await this.sweep().catch(() => undefined);
      if (!this.stopping) this.sweepTimer = setTimeout(() => void tick(), everyMs);
    };
    this.sweepTimer = setTimeout(() => void tick(), everyMs);
  }

  /**
   * Resolves once the engine has nothing in flight: no trigger batch being handled and the
   * trigger queue empty (visible, in flight and delayed messages), no stream batch being
   * delivered and every stream shard read empty since, and no bus event in flight; and all of
   * it still so a poll interval later with nothing handled in between. Bulk jobs and the sweeper
   * are not waited for. Resolves at once when the stack is stopping.
   */
  async idle(): Promise<void> {
    const recheckMs = Math.min(25, this.pollIntervalMs);
    while (!this.stopping) {
      const mark = this.activity();
      if (mark.busy || !(await this.triggerQueueEmpty())) {
        await sleep(recheckMs);
        continue;
      }
      await sleep(this.pollIntervalMs);
      if (await this.settledSince(mark, recheckMs)) return;
    }
  }

  /**
   * Manual clock only: moves the clock to `to` (epoch ms), firing in due order every timer due
   * by then, each once the engine is idle again; resolves when the engine is idle after the last.
   */
  async advanceClock(to: number): Promise<ClockMove> {
    if (!this.manualClock) {
      throw new Error('the embedded stack runs on the real clock; start it with a ManualClock (or timers: { mode: "manual" }) to move time');
    }
    return this.timers.advanceTo(to, () => this.idle());
  }

  private activity(): ActivityMark {
    const { trigger, executions, entities } = this.pollers;
    const bus = this.bus.counters;
    return {
      busy: trigger.inFlight + executions.inFlight + entities.inFlight + this.bus.inFlight > 0,
      counts: [
        trigger.counters.batchesDelivered,
        executions.counters.batchesDelivered,
        executions.counters.recordsFiltered,
        entities.counters.batchesDelivered,
        entities.counters.recordsFiltered,
        bus.entriesPut,
        bus.attempts,
      ].join(' '),
      reads: { executions: executions.readMark(), entities: entities.readMark() },
    };
  }

  /** Whether nothing happened since `mark`, once both stream readers have read past it. */
  private async settledSince(mark: ActivityMark, recheckMs: number): Promise<boolean> {
    const { executions, entities } = this.pollers;
    while (!(executions.quietSince(mark.reads.executions) && entities.quietSince(mark.reads.entities))) {
      const now = this.activity();
      if (this.stopping || now.busy || now.counts !== mark.counts) return false;
      await sleep(recheckMs);
    }
    const now = this.activity();
    return !now.busy && now.counts === mark.counts && (await this.triggerQueueEmpty()) && this.activity().counts === mark.counts;
  }

  private async triggerQueueEmpty(): Promise<boolean> {
    const { Attributes: a = {} } = await this.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queues.triggerUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0) === 0;
  }

  /** Stops timers, pollers, the bus and every process the stack started. Armed timers stay in the control table. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    await this.sweeping;
    await this.timers.stop();
    await this.bulk.stateMachine.stop();
    await Promise.allSettled([this.pollers.trigger.stop(), this.pollers.executions.stop(), this.pollers.entities.stop()]);
    await this.bus.idle().catch(() => undefined);
    this.bus.close();
    for (const c of Object.values(this.clients)) c.destroy();
    await Promise.allSettled(this.processes.map((p) => p.stop()));
  }
}

/** The clock and, when it is manual, the same clock typed as one (the timers' mode follows it). */
function resolveClock(options: EmbeddedStackOptions): { clock: Clock; manualClock: ManualClock | undefined } {
  const mode = options.timers?.mode;
  if (options.clock instanceof ManualClock) {
    if (mode === 'real') throw new Error('EmbeddedStack: timers.mode "real" needs a clock that moves by itself, not a ManualClock');
    return { clock: options.clock, manualClock: options.clock };
  }
  if (mode === 'manual') {
    if (options.clock) throw new Error('EmbeddedStack: timers.mode "manual" needs a ManualClock as clock (or no clock: one starting now is made)');
    const manual = new ManualClock(Date.now());
    return { clock: manual, manualClock: manual };
  }
  return { clock: options.clock ?? systemClock, manualClock: undefined };
}

/** The bulk runner: the definition the CDK app deploys, its Lambda tasks mapped to the same handler in process. */
function createBulk(input: {
  db: ReturnType<typeof createDocumentClient>;
  tables: TableNames;
  stores: { flows: DynamoFlowStore; executions: DynamoExecutionStore; entities: DynamoEntityStore };
  guards: DynamoGuardStore;
  admission: DynamoAdmissionStore;
  clock: Clock;
  logger: Logger;
  prefix: string;
  options: EmbeddedBulkOptions;
}): EmbeddedBulk {
  const { stores, options } = input;
  const jobs = new DynamoBulkJobStore(input.db, { control: input.tables.control, executions: input.tables.executions }, stores.executions);
  const tasksFunctionArn = `arn:aws:lambda:us-east-1:000000000000:function:${input.prefix}-bulk-tasks`;
  let machine: LocalBulkJobMachine | undefined;
  const tasks = new BulkJobTasks({
    jobs,
    flows: stores.flows,
    executions: stores.executions,
    entities: stores.entities,
    guards: input.guards,
    admission: input.admission,
    machine: { start: (j) => machine!.start(j), approve: (t) => machine!.approve(t), cancel: (t, r) => machine!.cancel(t, r) },
    clock: input.clock,
    logger: input.logger,
    batchBudgetMs: options.batchBudgetMs ?? 10_000,
    ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
    ...(options.maxWaiting ? { maxWaiting: options.maxWaiting } : {}),
    ...(options.beforeChunk ? { beforeChunk: options.beforeChunk } : {}),
  });
  const retryMs = options.retryDelayMs ?? 100;
  const stateMachine = new LocalStateMachine(bulkJobDefinition({ tasksFunctionArn }), {
    handlers: { [tasksFunctionArn]: createBulkTasksHandler(tasks) },
    waitOverridesMs: { [BULK_STATES.monitorWait]: options.monitorIntervalMs ?? 250 },
    retryOverridesMs: Object.fromEntries([BULK_STATES.processBatch, BULK_STATES.monitor, BULK_STATES.sendReport].map((state) => [state, retryMs])),
    logger: input.logger,
  });
  machine = new LocalBulkJobMachine(stateMachine);
  return { jobs, machine, entities: stores.entities, tasks, stateMachine };
}
