import { randomUUID } from 'node:crypto';
import type { Logger } from '@autoflow/engine';
import { silentLogger } from '@autoflow/engine';

// aws-local-stepfunctions uses Promise.withResolvers, which Node 20 lacks.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

// Loaded after the polyfill on purpose.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions');

type Json = import('aws-local-stepfunctions').StateMachineDefinition;
type TaskHandler = (payload: unknown) => Promise<unknown>;

const WAIT_FOR_TASK_TOKEN = '.waitForTaskToken';

export interface LocalStateMachineOptions {
  /** local functions by the ARN a Task names (its Resource, or the FunctionName of a Lambda integration) */
  handlers: Record<string, TaskHandler>;
  /** Wait states to shorten, by state name, in milliseconds */
  waitOverridesMs?: Record<string, number>;
  /** pause before a retry, by state name, in milliseconds (default: the definition's) */
  retryOverridesMs?: Record<string, number>;
  logger?: Logger;
}

interface Run {
  result: Promise<unknown>;
  abort: () => void;
}

/**
 * Runs an Amazon States Language definition in process with `aws-local-stepfunctions`, Task
 * states mapped by their resource to local functions. It adds what the interpreter lacks: the
 * callback pattern (`.waitForTaskToken`: the task gets a token and waits for `sendTaskSuccess`
 * or `sendTaskFailure`) and named, idempotent executions like StartExecution's.
 */
export class LocalStateMachine {
  private readonly machine: InstanceType<typeof StateMachine>;
  private readonly runs = new Map<string, Run>();
  private readonly waiting = new Map<string, { resolve: (output: unknown) => void; reject: (err: Error) => void }>();
  private readonly logger: Logger;

  constructor(
    private readonly definition: { StartAt: string; States: Record<string, Record<string, unknown>> },
    private readonly options: LocalStateMachineOptions,
  ) {
    this.machine = new StateMachine(definition as unknown as Json, { validationOptions: { checkArn: false } });
    this.logger = options.logger ?? silentLogger;
  }

  /** Starts a run named `name`; a run of that name that exists already is left as it is. */
  startExecution(name: string, input: Record<string, unknown>): void {
    if (this.runs.has(name)) return;
    const execution = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers() as never,
        ...(this.options.waitOverridesMs ? { waitTimeOverrides: this.options.waitOverridesMs } : {}),
        ...(this.options.retryOverridesMs ? { retryIntervalOverrides: this.options.retryOverridesMs } : {}),
      },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: `arn:aws:states:local:000000000000:execution:autoflow:${name}`, Name: name, Input: input as never },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      },
    });
    const result = execution.result.catch((err: unknown) => {
      this.logger.warn('state machine run failed', { name, error: String(err) });
      return undefined;
    });
    this.runs.set(name, { result, abort: execution.abort });
  }

  sendTaskSuccess(token: string, output: unknown): void {
    this.settle(token).resolve(output);
  }

  sendTaskFailure(token: string, error: string, cause: string): void {
    const err = new Error(cause);
    err.name = error;
    this.settle(token).reject(err);
  }

  /** The run's end (its output, or undefined when it failed or was aborted). */
  async result(name: string): Promise<unknown> {
    return this.runs.get(name)?.result;
  }

  /** Aborts every run (the stack is stopping) and waits for them to end. */
  async stop(): Promise<void> {
    for (const run of this.runs.values()) run.abort();
    for (const waiter of this.waiting.values()) waiter.reject(Object.assign(new Error('stopped'), { name: 'States.Runtime' }));
    this.waiting.clear();
    await Promise.allSettled([...this.runs.values()].map((r) => r.result));
  }

  private settle(token: string) {
    const waiter = this.waiting.get(token);
    // Step Functions answers an unknown or used token with TaskDoesNotExist / InvalidToken
    if (!waiter) throw Object.assign(new Error(`task token ${token.slice(0, 8)}… is not waiting`), { name: 'TaskDoesNotExist' });
    this.waiting.delete(token);
    return waiter;
  }

  private taskHandlers(): Record<string, (input: unknown) => Promise<unknown>> {
    const out: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      if (resource.endsWith(WAIT_FOR_TASK_TOKEN)) {
        const handler = this.handlerFor(String((state.Parameters as { FunctionName?: unknown })?.FunctionName), name);
        out[name] = (input) => this.withCallback(handler, input as { Payload: Record<string, unknown> });
      } else {
        out[name] = this.handlerFor(resource, name);
      }
    }
    return out;
  }

  /**
   * The callback pattern: the definition passes `$$.Task.Token`, which the interpreter does not
   * know, so the task's payload gets a fresh token here before the function sees it.
   */
  private async withCallback(handler: TaskHandler, input: { Payload: Record<string, unknown> }): Promise<unknown> {
    const token = randomUUID();
    const payload = Object.fromEntries(Object.entries(input.Payload).map(([k, v]) => [k, v === TASK_TOKEN_PLACEHOLDER ? token : v]));
    const settled = new Promise<unknown>((resolve, reject) => this.waiting.set(token, { resolve, reject }));
    // an aborted run no longer awaits its task: its rejection must not surface as unhandled
    settled.catch(() => undefined);
    try {
      await handler(payload);
    } catch (err) {
      this.waiting.delete(token);
      throw err;
    }
    return settled;
  }

  private handlerFor(resource: string, state: string): TaskHandler {
    const handler = this.options.handlers[resource];
    if (!handler) throw new Error(`no local handler for ${resource} (state ${state})`);
    return handler;
  }
}

/** What the interpreter resolves `$$.Task.Token` to: the context object passed to each run says so. */
export const TASK_TOKEN_PLACEHOLDER = '__autoflow_local_task_token__';
