import { DEFAULT_MESSAGE_GROUPING, type GuardSettings, type MessageGrouping, parseMessageGrouping, parseWithProblems } from '@autoflow/core';
import { z } from 'zod';
import { LambdaConfigError } from './LambdaConfigError';
import { type SecretRef, SecretRefSchema } from './SecretRef';

/**
 * The environment variables the Lambda functions read, by name. The CDK app sets them from
 * these same constants, and its tests check every function's environment against the schema
 * of that function, so a name cannot drift between the two.
 */
export const ENV = {
  stage: 'AUTOFLOW_STAGE',
  logLevel: 'AUTOFLOW_LOG_LEVEL',
  triggerGrouping: 'AUTOFLOW_TRIGGER_GROUPING',
  executionsTable: 'AUTOFLOW_EXECUTIONS_TABLE',
  controlTable: 'AUTOFLOW_CONTROL_TABLE',
  entitiesTable: 'AUTOFLOW_ENTITIES_TABLE',
  automationBus: 'AUTOFLOW_AUTOMATION_BUS',
  triggerQueueUrl: 'AUTOFLOW_TRIGGER_QUEUE_URL',
  triggerDlqUrl: 'AUTOFLOW_TRIGGER_DLQ_URL',
  guards: 'AUTOFLOW_GUARDS',
  actionType: 'AUTOFLOW_ACTION_TYPE',
  emailFrom: 'AUTOFLOW_EMAIL_FROM',
  sesConfigurationSet: 'AUTOFLOW_SES_CONFIGURATION_SET',
  webhookSigningSecret: 'AUTOFLOW_WEBHOOK_SIGNING_SECRET',
  allowPrivateWebhookTargets: 'AUTOFLOW_ALLOW_PRIVATE_WEBHOOK_TARGETS',
  webhookTimeoutMs: 'AUTOFLOW_WEBHOOK_TIMEOUT_MS',
  bulkBatchBudgetMs: 'AUTOFLOW_BULK_BATCH_BUDGET_MS',
  bulkStateMachineArn: 'AUTOFLOW_BULK_STATE_MACHINE_ARN',
  timersQueueUrl: 'AUTOFLOW_TIMERS_QUEUE_URL',
  timersQueueArn: 'AUTOFLOW_TIMERS_QUEUE_ARN',
  timersDlqArn: 'AUTOFLOW_TIMERS_DLQ_ARN',
  timersScheduleGroup: 'AUTOFLOW_TIMERS_SCHEDULE_GROUP',
  timersSchedulerRoleArn: 'AUTOFLOW_TIMERS_SCHEDULER_ROLE_ARN',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Only variables with this prefix are read; an unknown one is a typo and fails the start. */
export const ENV_PREFIX = 'AUTOFLOW_';

/** The action type the fallback worker is deployed with: it fails every type it is sent. */
export const FALLBACK_ACTION_TYPE = '*';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const StageSchema = z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, { error: 'must be 1-16 lower-case letters, digits or -, starting with a letter' });
const LogLevelSchema = z.enum(LOG_LEVELS);
const TableNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a DynamoDB table name' });
const BusNameSchema = z.string().regex(/^[A-Za-z0-9/._-]{1,256}$/, { error: 'must be an EventBridge bus name' });
const QueueUrlSchema = z.url({ protocol: /^https?$/ });
const BooleanStringSchema = z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).transform((v) => v === 'true');
const PositiveIntStringSchema = z
  .string()
  .regex(/^[1-9][0-9]*$/, { error: 'must be a positive whole number' })
  .transform(Number);

/** An ARN of a Step Functions state machine (the bulk job runner). */
export const StateMachineArnSchema = z
  .string()
  .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/, { error: 'must be the ARN of a Step Functions state machine' });

const QueueArnSchema = z.string().regex(/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$/, { error: 'must be the ARN of a standard SQS queue' });
const RoleArnSchema = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, { error: 'must be the ARN of an IAM role' });
const ScheduleGroupSchema = z.string().regex(/^[0-9A-Za-z._-]{1,64}$/, { error: 'must be an EventBridge Scheduler group name' });

const RateLimitSchema = z.strictObject({ count: z.int().positive(), windowMs: z.int().positive() });

/** Overrides of the hot-flow defaults (core `GuardSettings`), as the JSON of one variable. */
export const GuardOverridesSchema = z.strictObject({
  general: RateLimitSchema.optional(),
  entityUpdate: RateLimitSchema.optional(),
  systemActivity: RateLimitSchema.optional(),
  maxChainDepth: z.int().positive().optional(),
  orgConcurrency: z.int().positive().optional(),
  lockLeaseMs: z.int().positive().optional(),
}) satisfies z.ZodType<Partial<GuardSettings>>;
export type GuardOverrides = z.infer<typeof GuardOverridesSchema>;

const JsonGuardsSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(GuardOverridesSchema);

const common = {
  [ENV.stage]: StageSchema,
  [ENV.logLevel]: LogLevelSchema.default('INFO'),
  [ENV.triggerGrouping]: z
    .string()
    .transform((v, ctx): MessageGrouping => parseMessageGrouping(v) ?? (ctx.addIssue({ code: 'custom', message: 'must be org, entity or bucket:N (N from 1 to 1000)' }), z.NEVER))
    .optional(),
};

/** The trigger queue's grouping setting, for schemas that do not take the common variables. */
export const TRIGGER_GROUPING_ENV = { [ENV.triggerGrouping]: common[ENV.triggerGrouping] };

export interface CommonConfig {
  stage: string;
  logLevel: LogLevel;
  /** how events are grouped on the trigger queue by whoever sends them there */
  triggerGrouping: MessageGrouping;
}

const commonOf = (env: { AUTOFLOW_STAGE: string; AUTOFLOW_LOG_LEVEL: LogLevel; AUTOFLOW_TRIGGER_GROUPING?: MessageGrouping | undefined }): CommonConfig => ({
  stage: env.AUTOFLOW_STAGE,
  logLevel: env.AUTOFLOW_LOG_LEVEL,
  triggerGrouping: env.AUTOFLOW_TRIGGER_GROUPING ?? DEFAULT_MESSAGE_GROUPING,
});

/**
 * Where timers wait (packages/aws/src/timers): the timers queue (SQS delays up to 15 minutes),
 * its DLQ, and the EventBridge Scheduler group and role for later timers. Every function that
 * arms or disarms timers gets all five; the CDK app sets them from `TimerStore`.
 */
const timerVariables = {
  [ENV.timersQueueUrl]: QueueUrlSchema,
  [ENV.timersQueueArn]: QueueArnSchema,
  [ENV.timersDlqArn]: QueueArnSchema,
  [ENV.timersScheduleGroup]: ScheduleGroupSchema,
  [ENV.timersSchedulerRoleArn]: RoleArnSchema,
};
const TIMER_VARIABLES = Object.keys(timerVariables) as Array<keyof typeof timerVariables>;
const optionalTimerVariables = Object.fromEntries(TIMER_VARIABLES.map((name) => [name, timerVariables[name].optional()])) as {
  [K in keyof typeof timerVariables]: z.ZodOptional<(typeof timerVariables)[K]>;
};

/** The timer settings as the timer service takes them (`SchedulerTimerSettings`). */
export interface TimerSettings {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueArn: string;
  scheduleGroup: string;
  schedulerRoleArn: string;
}

type TimerEnv = { [K in keyof typeof timerVariables]: string };

const timerSettingsFrom = (e: TimerEnv): TimerSettings => ({
  queueUrl: e.AUTOFLOW_TIMERS_QUEUE_URL,
  queueArn: e.AUTOFLOW_TIMERS_QUEUE_ARN,
  deadLetterQueueArn: e.AUTOFLOW_TIMERS_DLQ_ARN,
  scheduleGroup: e.AUTOFLOW_TIMERS_SCHEDULE_GROUP,
  schedulerRoleArn: e.AUTOFLOW_TIMERS_SCHEDULER_ROLE_ARN,
});

const hasTimerSettings = (e: Partial<TimerEnv>): e is TimerEnv => TIMER_VARIABLES.every((name) => e[name] !== undefined);

/** `{ timers }` when the optional timer variables are set, else nothing. */
const optionalTimerSettingsOf = (e: Partial<TimerEnv>): { timers?: TimerSettings } => (hasTimerSettings(e) ? { timers: timerSettingsFrom(e) } : {});

/** Timer settings are all there or all absent: half of them would arm timers that never fire. */
const allTimerVariablesOrNone = (e: Partial<TimerEnv>, ctx: z.RefinementCtx): void => {
  const set = TIMER_VARIABLES.filter((name) => e[name] !== undefined);
  if (set.length === 0 || set.length === TIMER_VARIABLES.length) return;
  for (const name of TIMER_VARIABLES.filter((n) => e[n] === undefined)) {
    ctx.addIssue({ code: 'custom', path: [name], message: `is required with ${set.join(', ')} (the timer settings go together)` });
  }
};

/**
 * The optional timer variables for an environment schema outside this module (the API function
 * disarms timers when it cancels executions and schedules): spread `variables` into the object,
 * `refine` with superRefine, and `settingsOf` in the transform.
 */
export const OPTIONAL_TIMER_ENV = { variables: optionalTimerVariables, refine: allTimerVariablesOrNone, settingsOf: optionalTimerSettingsOf };

/** Ingress: platform-bus events onto the FIFO trigger queue. */
export const IngressEnvSchema = z
  .strictObject({ ...common, [ENV.triggerQueueUrl]: QueueUrlSchema, [ENV.triggerDlqUrl]: QueueUrlSchema })
  .transform((e) => ({ ...commonOf(e), triggerQueueUrl: e.AUTOFLOW_TRIGGER_QUEUE_URL, triggerDlqUrl: e.AUTOFLOW_TRIGGER_DLQ_URL }));

/**
 * Trigger listener: the FIFO trigger queue into executions. The timer settings are optional: the
 * listener disarms the timers of executions an event ends (exit-on events, waits).
 */
export const ListenerEnvSchema = z
  .strictObject({
    ...common,
    [ENV.executionsTable]: TableNameSchema,
    [ENV.controlTable]: TableNameSchema,
    [ENV.triggerDlqUrl]: QueueUrlSchema,
    [ENV.guards]: JsonGuardsSchema.optional(),
    ...optionalTimerVariables,
  })
  .superRefine(allTimerVariablesOrNone)
  .transform((e) => ({
    ...commonOf(e),
    executionsTable: e.AUTOFLOW_EXECUTIONS_TABLE,
    controlTable: e.AUTOFLOW_CONTROL_TABLE,
    triggerDlqUrl: e.AUTOFLOW_TRIGGER_DLQ_URL,
    guards: e.AUTOFLOW_GUARDS ?? {},
    ...optionalTimerSettingsOf(e),
  }));

const dispatcherVariables = {
  ...common,
  [ENV.executionsTable]: TableNameSchema,
  [ENV.controlTable]: TableNameSchema,
  [ENV.automationBus]: BusNameSchema,
  [ENV.guards]: JsonGuardsSchema.optional(),
  // the built-in entity store: a fired delay reads its entity afresh from it
  [ENV.entitiesTable]: TableNameSchema.optional(),
};

const dispatcherConfigOf = (e: z.output<z.ZodObject<typeof dispatcherVariables>>) => ({
  ...commonOf(e),
  executionsTable: e.AUTOFLOW_EXECUTIONS_TABLE,
  controlTable: e.AUTOFLOW_CONTROL_TABLE,
  automationBus: e.AUTOFLOW_AUTOMATION_BUS,
  guards: e.AUTOFLOW_GUARDS ?? {},
  ...(e.AUTOFLOW_ENTITIES_TABLE ? { entitiesTable: e.AUTOFLOW_ENTITIES_TABLE } : {}),
});

/**
 * Dispatcher: the executions stream into `dispatch-<type>` events. It also admits executions
 * (org slots and entity locks in the control table), with the org cap and lock lease of the
 * guard settings, and arms the timers of scheduled slots (retries, delays, waits, send windows)
 * when the timer settings are given; the CDK app always gives them.
 */
export const DispatcherEnvSchema = z
  .strictObject({ ...dispatcherVariables, ...optionalTimerVariables })
  .superRefine(allTimerVariablesOrNone)
  .transform((e): DispatcherSettings => ({ ...dispatcherConfigOf(e), ...optionalTimerSettingsOf(e) }));

/** What `buildDispatcher` (packages/aws/src/lambda/dispatcher.ts) builds a dispatcher from. */
export interface DispatcherSettings extends CommonConfig {
  executionsTable: string;
  controlTable: string;
  automationBus: string;
  guards: GuardOverrides;
  /** the built-in entity store, read afresh when a delay fires; the snapshot is used without it */
  entitiesTable?: string;
  /** without them nothing can wait: a transition that would arm a timer fails (the CDK app always gives them) */
  timers?: TimerSettings;
}

/**
 * Timers: the timers queue (SQS delays, and what Scheduler's schedules put there) into
 * `Dispatcher.onTimer`. It runs the dispatcher, so it needs what the dispatcher needs, and it
 * arms a timer that came early again, so the timer settings are required.
 */
export const TimersEnvSchema = z
  .strictObject({ ...dispatcherVariables, ...timerVariables })
  .transform((e): DispatcherSettings & { timers: TimerSettings } => ({ ...dispatcherConfigOf(e), timers: timerSettingsFrom(e) }));

/** Sweeper: re-drives expired leases through a dispatcher, so it needs what the dispatcher needs. */
export const SweeperEnvSchema = DispatcherEnvSchema;

/** Entity events: the entity stream into `entity_operation` events on the trigger queue. */
export const EntityEventsEnvSchema = z
  .strictObject({ ...common, [ENV.triggerQueueUrl]: QueueUrlSchema })
  .transform((e) => ({ ...commonOf(e), triggerQueueUrl: e.AUTOFLOW_TRIGGER_QUEUE_URL }));

/**
 * What each built-in worker needs besides the executions table. The CDK app grants and sets
 * exactly these per worker; the worker builds only these ports.
 */
export const WORKER_NEEDS = {
  'trigger-webhook': ['controlTable', 'webhookSecret'],
  'map-entity': ['entitiesTable'],
  'send-email': ['controlTable', 'email'],
  'trigger-event': ['triggerQueue'],
  'cancel-flow-execution': [],
} as const satisfies Record<string, readonly WorkerNeed[]>;
export type WorkerNeed = 'controlTable' | 'entitiesTable' | 'triggerQueue' | 'email' | 'webhookSecret';

/** Variables a need is met by; the first of each list is required, the others optional. */
const NEED_VARIABLES: Record<WorkerNeed, readonly EnvName[]> = {
  controlTable: [ENV.controlTable],
  entitiesTable: [ENV.entitiesTable],
  triggerQueue: [ENV.triggerQueueUrl],
  email: [ENV.emailFrom, ENV.sesConfigurationSet],
  webhookSecret: [ENV.webhookSigningSecret, ENV.allowPrivateWebhookTargets, ENV.webhookTimeoutMs],
};

export const needsOf = (actionType: string): readonly WorkerNeed[] =>
  Object.hasOwn(WORKER_NEEDS, actionType) ? WORKER_NEEDS[actionType as keyof typeof WORKER_NEEDS] : [];

/** A worker: one per action type, plus the fallback (`*`). */
export const WorkerEnvSchema = z
  .strictObject({
    ...common,
    [ENV.executionsTable]: TableNameSchema,
    [ENV.actionType]: z.string().min(1).max(100),
    [ENV.controlTable]: TableNameSchema.optional(),
    [ENV.entitiesTable]: TableNameSchema.optional(),
    [ENV.triggerQueueUrl]: QueueUrlSchema.optional(),
    [ENV.emailFrom]: z.email().optional(),
    [ENV.sesConfigurationSet]: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be an SES configuration set name' }).optional(),
    [ENV.webhookSigningSecret]: SecretRefSchema.optional(),
    [ENV.allowPrivateWebhookTargets]: BooleanStringSchema.default(false),
    [ENV.webhookTimeoutMs]: PositiveIntStringSchema.optional(),
  })
  .superRefine((e, ctx) => {
    // A worker without what its action type needs would fail every action: refuse to start.
    const type = e.AUTOFLOW_ACTION_TYPE;
    for (const need of needsOf(type)) {
      const required = NEED_VARIABLES[need][0]!;
      if (e[required as keyof typeof e] === undefined) {
        ctx.addIssue({ code: 'custom', path: [required], message: `is required by the ${type} worker` });
      }
    }
    const allowed = new Set<string>(needsOf(type).flatMap((need) => NEED_VARIABLES[need]));
    for (const [need, names] of Object.entries(NEED_VARIABLES)) {
      for (const name of names) {
        if (e[name as keyof typeof e] !== undefined && !allowed.has(name) && !(name === ENV.allowPrivateWebhookTargets && e[name] === false)) {
          ctx.addIssue({ code: 'custom', path: [name], message: `is not used by the ${type} worker (it is for ${need})` });
        }
      }
    }
  })
  .transform((e) => ({
    ...commonOf(e),
    executionsTable: e.AUTOFLOW_EXECUTIONS_TABLE,
    actionType: e.AUTOFLOW_ACTION_TYPE,
    controlTable: e.AUTOFLOW_CONTROL_TABLE,
    entitiesTable: e.AUTOFLOW_ENTITIES_TABLE,
    triggerQueueUrl: e.AUTOFLOW_TRIGGER_QUEUE_URL,
    emailFrom: e.AUTOFLOW_EMAIL_FROM,
    sesConfigurationSet: e.AUTOFLOW_SES_CONFIGURATION_SET,
    webhookSigningSecret: e.AUTOFLOW_WEBHOOK_SIGNING_SECRET as SecretRef | undefined,
    allowPrivateWebhookTargets: e.AUTOFLOW_ALLOW_PRIVATE_WEBHOOK_TARGETS,
    webhookTimeoutMs: e.AUTOFLOW_WEBHOOK_TIMEOUT_MS ?? 10_000,
  }));

/**
 * How long one bulk step (a batch of entities, a monitoring pass) may run before it hands its
 * cursor back to the state machine. Its Lambda timeout is 15 minutes; the budget is checked
 * between pages, so it stays 3 minutes under that for the page in flight.
 */
export const BULK_BATCH_BUDGET_MS = { default: 600_000, max: 720_000, min: 1_000 } as const;

/**
 * Bulk tasks: every step of the bulk job state machine (one function, a `task` field per step).
 * It answers the approval step with the task token, so it never needs the state machine's ARN.
 */
export const BulkTasksEnvSchema = z
  .strictObject({
    ...common,
    [ENV.executionsTable]: TableNameSchema,
    [ENV.controlTable]: TableNameSchema,
    [ENV.entitiesTable]: TableNameSchema,
    [ENV.bulkBatchBudgetMs]: PositiveIntStringSchema.pipe(
      z
        .number()
        .min(BULK_BATCH_BUDGET_MS.min, { error: `must be at least ${BULK_BATCH_BUDGET_MS.min} ms` })
        .max(BULK_BATCH_BUDGET_MS.max, { error: `must be at most ${BULK_BATCH_BUDGET_MS.max} ms (12 minutes: the step runs in a 15-minute Lambda)` }),
    ).optional(),
  })
  .transform((e) => ({
    ...commonOf(e),
    executionsTable: e.AUTOFLOW_EXECUTIONS_TABLE,
    controlTable: e.AUTOFLOW_CONTROL_TABLE,
    entitiesTable: e.AUTOFLOW_ENTITIES_TABLE,
    batchBudgetMs: e.AUTOFLOW_BULK_BATCH_BUDGET_MS ?? BULK_BATCH_BUDGET_MS.default,
  }));

export type IngressConfig = z.output<typeof IngressEnvSchema>;
export type ListenerConfig = z.output<typeof ListenerEnvSchema>;
export type DispatcherConfig = z.output<typeof DispatcherEnvSchema>;
export type SweeperConfig = z.output<typeof SweeperEnvSchema>;
export type TimersConfig = z.output<typeof TimersEnvSchema>;
export type EntityEventsConfig = z.output<typeof EntityEventsEnvSchema>;
export type WorkerConfig = z.output<typeof WorkerEnvSchema>;
export type BulkTasksConfig = z.output<typeof BulkTasksEnvSchema>;

/** The schema of each function's environment, by function. */
export const LAMBDA_ENV_SCHEMAS = {
  ingress: IngressEnvSchema,
  listener: ListenerEnvSchema,
  dispatcher: DispatcherEnvSchema,
  worker: WorkerEnvSchema,
  entityEvents: EntityEventsEnvSchema,
  sweeper: SweeperEnvSchema,
  bulkTasks: BulkTasksEnvSchema,
  timers: TimersEnvSchema,
} as const;
export type LambdaFunctionKind = keyof typeof LAMBDA_ENV_SCHEMAS;

/** Input shape of a function's environment (what the CDK app must set). */
export type LambdaEnvironment<K extends LambdaFunctionKind> = { [P in keyof z.input<(typeof LAMBDA_ENV_SCHEMAS)[K]>]: string | undefined };

/** Input shape of the environment any schema reads, such as the API function's (packages/api/src/lambda.ts). */
export type EnvironmentOf<S extends z.ZodType> = { [P in keyof z.input<S>]: string | undefined };

/**
 * Reads the `AUTOFLOW_*` variables of `env` with a function's schema. Every problem is
 * reported at once, each under its variable's name; nothing else of the environment is read.
 */
export function loadLambdaConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.output<S> {
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(ENV_PREFIX) && value !== undefined) own[name] = value;
  }
  const parsed = parseWithProblems(schema, own);
  if (!parsed.ok) throw new LambdaConfigError(parsed.problems);
  return parsed.data;
}
